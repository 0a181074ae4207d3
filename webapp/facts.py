"""The routine's ``PlanFacts``: the one place they are built, for a plan from the database (in a
fixed number of queries) and for a plan the create-plan wizard describes. The only module that
imports both the models and the routine, so the routine stays pure and the models know nothing
of it."""

from datetime import date

import peewee

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
    utcnow,
)
from webapp.routine import CONSENT_AGE, PlanFacts


def age_on(birth_date, today=None):
    today = today or date.today()
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def facts_for(plan, today=None, now=None):
    """The routine's view of ``plan``: counts and flags, never content. ``today`` and ``now``
    (naive UTC, as the database keeps times) default to the present."""
    fn = peewee.fn
    consenter_roles = (Participant.GUARDIAN, Participant.OWNER)
    counts = (
        Participant.select(
            fn.SUM(peewee.Case(None, [(Participant.role.in_(consenter_roles), 1)], 0)),
            fn.SUM(
                peewee.Case(
                    None,
                    [
                        (
                            Participant.role.in_(consenter_roles)
                            & (Participant.status == Participant.ACTIVE),
                            1,
                        )
                    ],
                    0,
                )
            ),
            fn.SUM(peewee.Case(None, [(Participant.role == Participant.OWNER, 1)], 0)),
            fn.SUM(
                peewee.Case(
                    None,
                    [
                        (
                            (Participant.role == Participant.SERVICE_PROVIDER)
                            & (Participant.status == Participant.ACTIVE),
                            1,
                        )
                    ],
                    0,
                )
            ),
        )
        .where(Participant.plan == plan)
        .tuples()
        .first()
    )
    consenters, consenters_active, owners, providers_active = (int(c or 0) for c in counts)
    owner_contact = not plan.owner_logs_in or (
        Participant.select()
        .join(Person)
        .where(
            (Participant.plan == plan)
            & (Participant.role == Participant.OWNER)
            & ((Person.email.is_null(False)) | (Person.mobile.is_null(False)))
        )
        .exists()
    )
    # A draft is not yet asked about, and an update waiting for signatures does not replace
    # the version that holds (SPEC §4: consent is versioned).
    latest = (
        Consent.select(Consent.id, Consent.status)
        .where((Consent.plan == plan) & (Consent.status != Consent.DRAFT))
        .order_by(Consent.version.desc())
        .first()
    )
    holding = (
        Consent.select(Consent.id)
        .where((Consent.plan == plan) & (Consent.status == Consent.VALID))
        .first()
    )
    valid = holding is not None
    names_services = (
        valid and ConsentService.select().where(ConsentService.consent == holding.id).exists()
    )
    goals = Goal.select().where(Goal.plan == plan).count()
    activities = Activity.select().join(Goal).where(Goal.plan == plan).count()
    minutes = (
        Message.select(Message.meeting_id, Meeting.kind)
        .join(Meeting, peewee.JOIN.LEFT_OUTER)
        .where((Message.plan == plan) & (Message.kind == Message.MINUTES))
        .tuples()
    )
    minutes = list(minutes)
    minute_kinds = [kind for _, kind in minutes]
    # The latest evaluation meeting is the one the routine's step 3.1 is about.
    evaluation = (
        Meeting.select(Meeting.id, Meeting.starts_at, Meeting.outcome)
        .where((Meeting.plan == plan) & (Meeting.kind == "evaluation"))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .first()
    )
    consent_age = (
        Municipality.select(Municipality.youth_consent_age)
        .where(Municipality.id == plan.municipality_id)
        .scalar()
    )
    transfer_waiting = (
        Transfer.select()
        .where((Transfer.plan == plan) & (Transfer.status == Transfer.WAITING))
        .exists()
    )
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
        consent_sent=valid or (latest is not None and latest.status == Consent.SENT),
        consent_ever_sent=latest is not None,
        # A consent that holds; whether the plan is open for writing is its status's business
        # (routine.NOT_PASSIVE, NOT_CLOSED).
        consent_valid=valid,
        consent_withdrawn=latest is not None and latest.status == Consent.WITHDRAWN,
        consent_names_services=names_services,
        overview_written=bool(plan.overview.strip()),
        minutes=len(minute_kinds),
        goals=goals,
        activities=activities,
        evaluation_planned=evaluation is not None,
        evaluation_held=evaluation is not None and evaluation.starts_at <= (now or utcnow()),
        evaluation_minutes=evaluation is not None
        and any(meeting_id == evaluation.id for meeting_id, _ in minutes),
        outcome=evaluation.outcome if evaluation else None,
        service_providers_active=providers_active,
        startup_minutes=any(k in ("startup_level2", "startup_level3") for k in minute_kinds),
        archived=plan.status == Plan.ARCHIVED,
        transfer_waiting=transfer_waiting,
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
