"""The plan side: a stafettlogg and everything written in it.

``Plan`` is a stafettlogg: the shared log around one child, youth or pregnant person (the plan
owner, planeigar/hovudperson). ``Participant`` gives a person a role in one plan. ``Consent`` is
versioned; each version lists the services it admits and the ``Signature`` rows it asks for.
``Goal`` and ``Activity`` (tiltak) are the plan's goals and measures; ``Meeting`` and ``Message``
(minutes are messages made from a template) are its meetings and correspondence.
"""

import peewee

from webapp.models.base import BaseModel, utcnow
from webapp.models.org import Municipality, Person, Unit


class Plan(BaseModel):
    """A stafettlogg (SPEC §1)."""

    DRAFT = "draft"  # created, consent not yet valid
    ACTIVE = "active"
    PASSIVE = "passive"  # consent withdrawn, or set passive after evaluation (SPEC §3.7)
    CLOSED = "closed"
    ARCHIVED = "archived"
    STATUSES = (DRAFT, ACTIVE, PASSIVE, CLOSED, ARCHIVED)

    municipality = peewee.ForeignKeyField(Municipality, backref="plans")
    unit = peewee.ForeignKeyField(Unit, backref="plans")
    owner_name = peewee.CharField(max_length=200)
    owner_national_id = peewee.CharField(max_length=11, index=True)
    owner_birth_date = peewee.DateField()
    owner_is_pregnant = peewee.BooleanField(default=False)
    owner_logs_in = peewee.BooleanField(default=False)
    family_informed_at = peewee.DateTimeField(null=True)  # SPEC §3.1.1
    status = peewee.CharField(max_length=10, default=DRAFT, index=True)
    bti_level = peewee.SmallIntegerField(default=1)
    overview = peewee.TextField(default="")
    overview_version = peewee.IntegerField(default=0)
    next_evaluation = peewee.DateField(null=True, index=True)
    created_by = peewee.ForeignKeyField(Person, backref="created_plans")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    archived_at = peewee.DateTimeField(null=True)


class Participant(BaseModel):
    """A person's role in one plan (plandeltakar)."""

    OWNER = "owner"  # planeigar / hovudperson, when they log in
    STAFETTHALDAR = "stafetthaldar"  # planansvarleg: exactly one at a time
    GUARDIAN = "guardian"  # føresett / verge
    SERVICE_PROVIDER = "service_provider"  # tenesteytar, admitted by consent
    ROLES = (OWNER, STAFETTHALDAR, GUARDIAN, SERVICE_PROVIDER)

    INVITED = "invited"
    ACTIVE = "active"  # after first login
    ENDED = "ended"

    plan = peewee.ForeignKeyField(Plan, backref="participants", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="participations", on_delete="CASCADE")
    role = peewee.CharField(max_length=20)
    unit = peewee.ForeignKeyField(Unit, null=True, backref="participations")
    status = peewee.CharField(max_length=10, default=INVITED)
    shares_parental_responsibility = peewee.BooleanField(default=True)
    access_until = peewee.DateField(null=True)  # None: until the plan is deleted
    invited_at = peewee.DateTimeField(default=utcnow)
    activated_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("plan", "person", "role"), True),)


class Consent(BaseModel):
    """One version of the consent to the plan (samtykke), sealed when sent for signing."""

    DRAFT = "draft"
    SENT = "sent"  # waiting for signatures
    VALID = "valid"  # every required signer has signed
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"

    plan = peewee.ForeignKeyField(Plan, backref="consents", on_delete="CASCADE")
    version = peewee.IntegerField(default=1)
    language = peewee.CharField(max_length=5, default="nn")
    text = peewee.TextField()
    status = peewee.CharField(max_length=10, default=DRAFT)
    seal = peewee.CharField(max_length=64, null=True)  # SHA-256 of the canonical text + signers
    created_by = peewee.ForeignKeyField(Person)
    created_at = peewee.DateTimeField(default=utcnow)
    sent_at = peewee.DateTimeField(null=True)
    valid_at = peewee.DateTimeField(null=True)
    withdrawn_at = peewee.DateTimeField(null=True)
    withdrawn_by = peewee.ForeignKeyField(Person, null=True)

    class Meta:
        indexes = ((("plan", "version"), True),)


class ConsentService(BaseModel):
    """A service (a unit, or a kind of service) that a consent admits to the plan."""

    consent = peewee.ForeignKeyField(Consent, backref="services", on_delete="CASCADE")
    unit = peewee.ForeignKeyField(Unit, null=True)
    service_kind = peewee.CharField(max_length=20, null=True)
    note = peewee.CharField(max_length=200, default="")  # e.g. "teacher", "public health nurse"


class Signature(BaseModel):
    """A signer a consent asks for, and how they answered (signed digitally, on paper, refused)."""

    PENDING = "pending"
    SIGNED = "signed"
    REFUSED = "refused"

    consent = peewee.ForeignKeyField(Consent, backref="signatures", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="signatures")
    decision = peewee.CharField(max_length=10, default=PENDING)
    method = peewee.CharField(max_length=20, null=True)  # one_time_code | paper | idporten
    decided_at = peewee.DateTimeField(null=True)
    recorded_by = peewee.ForeignKeyField(Person, null=True)  # paper consent: the stafetthaldar
    paper_file = peewee.CharField(max_length=200, null=True)
    seal = peewee.CharField(max_length=64, null=True)

    class Meta:
        indexes = ((("consent", "person"), True),)


class Goal(BaseModel):
    """A goal (mål): short, concrete, measurable; the deadline is the evaluation date."""

    plan = peewee.ForeignKeyField(Plan, backref="goals", on_delete="CASCADE")
    title = peewee.CharField(max_length=200)
    deadline = peewee.DateField(null=True)
    description = peewee.TextField(default="")
    position = peewee.IntegerField(default=0)
    reached = peewee.BooleanField(default=False)
    created_by = peewee.ForeignKeyField(Person)
    created_at = peewee.DateTimeField(default=utcnow)
    version = peewee.IntegerField(default=1)


class Activity(BaseModel):
    """An activity (aktivitet / tiltak) towards a goal, with one responsible participant."""

    PLACES = ("home", "kindergarten_school", "service")

    goal = peewee.ForeignKeyField(Goal, backref="activities", on_delete="CASCADE")
    title = peewee.CharField(max_length=200)
    when = peewee.CharField(max_length=200, default="")
    responsible = peewee.ForeignKeyField(Participant, null=True, backref="activities")
    place = peewee.CharField(max_length=20, default="home")
    description = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=utcnow)
    version = peewee.IntegerField(default=1)


class Meeting(BaseModel):
    """A BTI meeting: start-up, evaluation, or start-up on level 2/3."""

    KINDS = ("startup", "evaluation", "startup_level2", "startup_level3")
    OUTCOMES = ("goals_reached", "continue", "other_services")  # SPEC §3.3.2 a-c

    plan = peewee.ForeignKeyField(Plan, backref="meetings", on_delete="CASCADE")
    kind = peewee.CharField(max_length=20)
    bti_level = peewee.SmallIntegerField(default=1)
    starts_at = peewee.DateTimeField()
    place = peewee.CharField(max_length=200, default="")
    minute_taker = peewee.ForeignKeyField(Participant, null=True)
    outcome = peewee.CharField(max_length=20, null=True)
    display_blank = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=utcnow)


class MeetingInvite(BaseModel):
    meeting = peewee.ForeignKeyField(Meeting, backref="invites", on_delete="CASCADE")
    participant = peewee.ForeignKeyField(Participant, on_delete="CASCADE")


class Message(BaseModel):
    """A message to some or all participants; minutes are messages made from a template."""

    MESSAGE = "message"
    MINUTES = "minutes"

    plan = peewee.ForeignKeyField(Plan, backref="messages", on_delete="CASCADE")
    kind = peewee.CharField(max_length=10, default=MESSAGE)
    meeting = peewee.ForeignKeyField(Meeting, null=True, backref="minutes")
    author = peewee.ForeignKeyField(Person)
    subject = peewee.CharField(max_length=200)
    body = peewee.TextField(default="")
    version = peewee.IntegerField(default=1)  # optimistic concurrency for edits
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)


class MessageRecipient(BaseModel):
    message = peewee.ForeignKeyField(Message, backref="recipients", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, on_delete="CASCADE")
    read_at = peewee.DateTimeField(null=True)


class TimelineEvent(BaseModel):
    """One event in the plan's life (SPEC §3.8), in order; ``detail`` holds no free text."""

    plan = peewee.ForeignKeyField(Plan, backref="timeline", on_delete="CASCADE")
    at = peewee.DateTimeField(default=utcnow, index=True)
    actor = peewee.ForeignKeyField(Person, null=True)
    kind = peewee.CharField(max_length=40)
    detail = peewee.CharField(max_length=200, default="")


# --- Named queries --------------------------------------------------------------------------


def plans_of(person):
    """Plans in which ``person`` has an active role, newest first."""
    return (
        Plan.select(Plan)
        .join(Participant)
        .where((Participant.person == person) & (Participant.status == Participant.ACTIVE))
        .distinct()
        .order_by(Plan.updated_at.desc())
    )


def plans_led_by(person):
    """Plans of the units (and groups) ``person`` administers: metadata only (SPEC §2)."""
    from webapp.models.org import Membership

    units = Membership.select(Membership.unit).where(
        (Membership.person == person) & (Membership.role == Membership.UNIT_ADMIN)
    )
    groups = Membership.select(Membership.group).where(
        (Membership.person == person) & (Membership.role == Membership.GROUP_ADMIN)
    )
    return (
        Plan.select(Plan)
        .join(Unit)
        .where((Plan.unit.in_(units)) | (Unit.group.in_(groups)))
        .order_by(Plan.next_evaluation.asc(nulls="LAST"), Plan.id)
    )


def stafetthaldar_names(plans):
    """``{plan_id: name}`` of the current stafetthaldar of each plan, in one query."""
    ids = [plan.id for plan in plans]
    if not ids:
        return {}
    rows = (
        Participant.select(Participant.plan, Person.name)
        .join(Person)
        .where((Participant.plan.in_(ids)) & (Participant.role == Participant.STAFETTHALDAR))
        .tuples()
    )
    return dict(rows)


def pending_signature(plan, consent_id, person_id):
    """``person_id``'s unanswered signature on a consent of ``plan`` that is out for signing,
    with its consent and person, or ``None``."""
    return (
        Signature.select(Signature, Consent, Person)
        .join(Consent)
        .switch(Signature)
        .join(Person, on=(Signature.person == Person.id))
        .where(
            (Consent.plan == plan)
            & (Consent.id == consent_id)
            & (Consent.status == Consent.SENT)
            & (Signature.person == person_id)
            & (Signature.decision == Signature.PENDING)
        )
        .first()
    )


def pending_signatures_of(person):
    """Consents waiting for ``person``'s signature in plans where they have an active family
    role, with the plan, oldest first (one query: the home page's "Sign consent")."""
    family_plans = Participant.select(Participant.plan).where(
        (Participant.person == person)
        & (Participant.status == Participant.ACTIVE)
        & (Participant.role.in_((Participant.GUARDIAN, Participant.OWNER)))
    )
    return (
        Signature.select(Signature, Consent, Plan)
        .join(Consent)
        .join(Plan)
        .where(
            (Signature.person == person)
            & (Signature.decision == Signature.PENDING)
            & (Consent.status == Consent.SENT)
            & (Consent.plan.in_(family_plans))
        )
        .order_by(Consent.sent_at, Consent.id)
    )
