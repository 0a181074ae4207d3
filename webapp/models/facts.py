"""Build the routine's ``PlanFacts`` for a plan from the database, in a fixed number of queries."""

from datetime import date

import peewee

from webapp.models.org import Person
from webapp.models.plan import (
    Activity,
    Consent,
    ConsentService,
    Goal,
    Meeting,
    Message,
    Participant,
    Plan,
)
from webapp.routine import PlanFacts


def age_on(birth_date, today=None):
    today = today or date.today()
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def facts_for(plan, today=None):
    """The routine's view of ``plan``: counts and flags, never content."""
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
    consenters, consenters_active, providers_active = (int(c or 0) for c in counts)
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
    minute_kinds = [kind for _, kind in minutes]
    evaluation = (
        Meeting.select(Meeting.outcome)
        .where((Meeting.plan == plan) & (Meeting.kind == "evaluation"))
        .order_by(Meeting.starts_at.desc())
        .first()
    )
    return PlanFacts(
        exists=True,
        status=plan.status,
        bti_level=plan.bti_level,
        family_informed=plan.family_informed_at is not None,
        owner_age=age_on(plan.owner_birth_date, today),
        owner_logs_in=plan.owner_logs_in,
        owner_has_contact=owner_contact,
        consenters=consenters,
        consenters_active=consenters_active,
        consent_sent=valid or (latest is not None and latest.status == Consent.SENT),
        consent_valid=valid and plan.status != Plan.PASSIVE,
        consent_withdrawn=latest is not None and latest.status == Consent.WITHDRAWN,
        consent_names_services=names_services,
        overview_written=bool(plan.overview.strip()),
        minutes=len(minute_kinds),
        goals=goals,
        activities=activities,
        evaluation_planned=evaluation is not None,
        evaluation_minutes="evaluation" in minute_kinds,
        outcome=evaluation.outcome if evaluation else None,
        service_providers_active=providers_active,
        startup_minutes=any(k in ("startup_level2", "startup_level3") for k in minute_kinds),
        archived=plan.status == Plan.ARCHIVED,
    )
