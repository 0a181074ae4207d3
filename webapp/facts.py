"""The routine's ``PlanFacts``: the one place they are built, for a plan from the database (in a
fixed number of queries) and for a plan the create-plan wizard describes. The only module that
imports both the models and the routine, so the routine stays pure and the models know nothing
of it."""


from webapp.db import database
from webapp.models import (
    Activity,
    Consent,
    ConsentService,
    Goal,
    Meeting,
    Message,
    Municipality,
    Participant,
    Person,
    Plan,
    Transfer,
    oslo_today,
    utcnow,
)
from webapp.routine import CONSENT_AGE, PlanFacts


def age_on(birth_date, today=None):
    today = today or oslo_today()
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def _table(model):
    return f'"{model._meta.table_name}"'


def _facts_sql(param):
    """The one statement ``facts_for`` runs: a row of scalar subqueries, counts and flags only.
    Written as SQL (the same on SQLite and PostgreSQL) because building it with the query
    builder on every guarded request cost more than running it (issue 13's profile)."""
    participant, person = _table(Participant), _table(Person)
    consent, consent_service = _table(Consent), _table(ConsentService)
    goal, activity, message, meeting = _table(Goal), _table(Activity), _table(Message), \
        _table(Meeting)
    evaluation = (f"SELECT id FROM {meeting} WHERE plan_id = {param} AND kind = 'evaluation' "  # noqa: S608
                  "ORDER BY starts_at DESC, id DESC LIMIT 1")
    evaluation_column = (f"SELECT {{}} FROM {meeting} WHERE plan_id = {param} "  # noqa: S608
                         "AND kind = 'evaluation' ORDER BY starts_at DESC, id DESC LIMIT 1")
    holding = (f"SELECT id FROM {consent} WHERE plan_id = {param} AND status = 'valid' "  # noqa: S608
               "ORDER BY id LIMIT 1")
    consenters = "role IN ('guardian', 'owner')"
    return f"""SELECT
 (SELECT COUNT(*) FROM {participant} WHERE plan_id = {param} AND {consenters}),
 (SELECT COUNT(*) FROM {participant} WHERE plan_id = {param} AND {consenters}
   AND status = 'active'),
 (SELECT COUNT(*) FROM {participant} WHERE plan_id = {param} AND role = 'owner'),
 (SELECT COUNT(*) FROM {participant} WHERE plan_id = {param} AND role = 'service_provider'
   AND status = 'active'),
 (SELECT COUNT(*) FROM {participant} p JOIN {person} q ON q.id = p.person_id
   WHERE p.plan_id = {param} AND p.role = 'owner'
   AND (q.email IS NOT NULL OR q.mobile IS NOT NULL)),
 (SELECT status FROM {consent} WHERE plan_id = {param} AND status <> 'draft'
   ORDER BY version DESC LIMIT 1),
 ({holding}),
 (SELECT COUNT(*) FROM {consent_service} WHERE consent_id = ({holding})),
 (SELECT COUNT(*) FROM {goal} WHERE plan_id = {param}),
 (SELECT COUNT(*) FROM {activity} a JOIN {goal} g ON g.id = a.goal_id
   WHERE g.plan_id = {param}),
 (SELECT COUNT(*) FROM {message} WHERE plan_id = {param} AND kind = 'minutes'),
 (SELECT COUNT(*) FROM {message} m JOIN {meeting} k ON k.id = m.meeting_id
   WHERE m.plan_id = {param} AND m.kind = 'minutes'
   AND k.kind IN ('startup_level2', 'startup_level3')),
 ({evaluation}),
 ({evaluation_column.format("starts_at")}),
 ({evaluation_column.format("outcome")}),
 (SELECT COUNT(*) FROM {message} WHERE plan_id = {param} AND kind = 'minutes'
   AND meeting_id = ({evaluation})),
 (SELECT youth_consent_age FROM {_table(Municipality)} WHERE id = {param}),
 (SELECT COUNT(*) FROM {_table(Transfer)} WHERE plan_id = {param} AND status = 'waiting')
"""  # noqa: S608 - table names and constants only; the values are parameters


# The SQL above names these values; they must match the models' constants.
assert (Participant.GUARDIAN, Participant.OWNER, Participant.SERVICE_PROVIDER,
        Participant.ACTIVE) == ("guardian", "owner", "service_provider", "active")
assert (Consent.DRAFT, Consent.VALID, Message.MINUTES, Transfer.WAITING) == (
    "draft", "valid", "minutes", "waiting")

_SQL = {}


def facts_for(plan, today=None, now=None):
    """The routine's view of ``plan``: counts and flags, never content, in one query. ``today``
    and ``now`` (naive UTC, as the database keeps times) default to the present."""
    param = database.obj.param
    if param not in _SQL:
        _SQL[param] = _facts_sql(param)
    uses = _SQL[param].count(param)
    values = [plan.id] * uses
    # The municipality's row is the one place the plan's id is not the parameter.
    values[_SQL[param][:_SQL[param].index("youth_consent_age")].count(param)] = \
        plan.municipality_id
    (consenters, consenters_active, owners, providers_active, owner_contacts, latest_status,
     holding, services, goals, activities, minutes, startup_minutes, evaluation_id,
     evaluation_starts, outcome, evaluation_minutes, consent_age,
     transfers) = database.execute_sql(_SQL[param], values).fetchone()
    owner_contact = not plan.owner_logs_in or owner_contacts > 0
    valid = holding is not None
    names_services = valid and services > 0
    evaluation = evaluation_id is not None
    evaluation_starts = Meeting.starts_at.python_value(evaluation_starts)
    return PlanFacts(
        exists=True,
        status=plan.status,
        bti_level=plan.bti_level,
        family_informed=plan.family_informed_at is not None,
        owner_age=age_on(plan.owner_birth_date, today),
        owner_is_pregnant=plan.owner_is_pregnant,
        consent_age=consent_age or CONSENT_AGE,
        owner_logs_in=plan.owner_logs_in,
        owner_has_contact=owner_contact,
        owner_added=owners > 0,
        consenters=consenters,
        consenters_active=consenters_active,
        consent_sent=valid or latest_status == Consent.SENT,
        consent_ever_sent=latest_status is not None,
        # A consent that holds; whether the plan is open for writing is its status's business
        # (routine.NOT_PASSIVE, NOT_CLOSED).
        consent_valid=valid,
        consent_withdrawn=latest_status == Consent.WITHDRAWN,
        consent_names_services=names_services,
        overview_written=bool(plan.overview.strip()),
        minutes=minutes,
        goals=goals,
        activities=activities,
        evaluation_planned=evaluation,
        evaluation_held=evaluation and evaluation_starts <= (now or utcnow()),
        evaluation_minutes=evaluation and evaluation_minutes > 0,
        outcome=outcome if evaluation else None,
        service_providers_active=providers_active,
        startup_minutes=startup_minutes > 0,
        archived=plan.status == Plan.ARCHIVED,
        transfer_waiting=transfers > 0,
    )


def facts_for_answers(family_informed, birth_date, pregnant, municipality, logs_in,
                      has_contact):
    """The routine's view of a plan not yet created, from the wizard's answers: ``birth_date``
    is ``None`` until a valid identity number is given, ``municipality`` until a unit is
    chosen (SPEC §3.1.1-4)."""
    return PlanFacts(
        exists=False,
        family_informed=family_informed,
        owner_age=age_on(birth_date) if birth_date else None,
        owner_is_pregnant=pregnant,
        consent_age=municipality.youth_consent_age if municipality else CONSENT_AGE,
        owner_logs_in=logs_in,
        owner_has_contact=has_contact,
    )
