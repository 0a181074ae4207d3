"""The plan side: a stafettlogg and everything written in it.

``Plan`` is a stafettlogg: the shared log around one child, youth or pregnant person (the plan
owner, planeigar/hovudperson). ``Participant`` gives a person a role in one plan. ``Consent`` is
versioned; each version lists the services it admits and the ``Signature`` rows it asks for.
``Goal`` and ``Activity`` (tiltak) are the plan's goals and measures; ``Meeting`` and ``Message``
(minutes are messages made from a template) are its meetings and correspondence.
"""


import peewee

from webapp.db import Prepared, counted
from webapp.models.base import BaseModel, oslo_today, utcnow
from webapp.models.org import Municipality, Person, ServiceGroup, Unit


class Plan(BaseModel):
    """A stafettlogg (SPEC §1)."""

    DRAFT = "draft"  # created, consent not yet valid
    ACTIVE = "active"
    PASSIVE = "passive"  # consent withdrawn, or set passive after evaluation (SPEC §3.7)
    CLOSED = "closed"
    ARCHIVED = "archived"
    DELETED = "deleted"  # every personal detail and all content removed; statistics only
    STATUSES = (DRAFT, ACTIVE, PASSIVE, CLOSED, ARCHIVED, DELETED)

    # Why the log was set passive or closed (SPEC §3.7); consent withdrawn is the automatic one.
    GOALS_REACHED = "goals_reached"
    NO_LONGER_NEEDED = "no_longer_needed"
    INDIVIDUAL_PLAN = "individual_plan"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CLOSE_REASONS = (GOALS_REACHED, NO_LONGER_NEEDED, INDIVIDUAL_PLAN)

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
    closed_reason = peewee.CharField(max_length=20, null=True)  # CLOSE_REASONS, or withdrawn
    closed_at = peewee.DateTimeField(null=True)
    deleted_at = peewee.DateTimeField(null=True)
    # When the newest event on the plan's timeline happened (None: none yet), kept by
    # ``webapp.audit.add_event``, the one writer of events, in the event's transaction
    # (migration 019): the leader's pages and the reports find quiet logs and sort by last
    # activity from the plan's row instead of seeking every plan's newest event.
    last_event_at = peewee.DateTimeField(null=True)

    @classmethod
    def last_activity(cls):
        """SQL: when the plan last had an entry on its timeline, else when it was created."""
        return peewee.fn.COALESCE(cls.last_event_at, cls.created_at).python_value(
            cls.created_at.adapt)

    @classmethod
    def no_entry_since(cls, cutoff):
        """SQL: the plan was created before ``cutoff`` and has had no entry on its timeline
        since (part of a quiet log's test, SPEC §4)."""
        return (cls.created_at < cutoff) & (cls.last_event_at.is_null()
                                            | (cls.last_event_at < cutoff))

    @classmethod
    def note_last_events(cls, ids=None):
        """Set ``last_event_at`` of the plans ``ids`` (all for ``None``) from their timelines:
        for events written in bulk past ``audit.add_event`` (the benches' and tests' data)."""
        newest = (TimelineEvent.select(peewee.fn.MAX(TimelineEvent.at))
                  .where(TimelineEvent.plan == cls.id))
        query = cls.update(last_event_at=newest)
        if ids is not None:
            query = query.where(cls.id.in_(list(ids)))
        return query.execute()

    @property
    def evaluation_overdue(self):
        """The evaluation date has passed (the Norwegian date) with no outcome recorded: an
        outcome clears the date (a, c) or moves it on (b), so a date in the past on an active
        log is an evaluation still owed (SPEC §3.3, §3.9). No query: the date is the plan's."""
        return (self.status == self.ACTIVE and self.next_evaluation is not None
                and self.next_evaluation < oslo_today())


# What the leader's pages and the reports read of the plans of a scope (units), so they read
# this index alone, not the plans' rows (migration 018; webapp/leader, webapp/reports).
Plan.add_index(
    Plan.index(Plan.unit, Plan.status, Plan.bti_level, Plan.next_evaluation, Plan.created_at,
               Plan.closed_at, Plan.archived_at, Plan.id, name="plan_scope")
)


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

    @classmethod
    def admitted(cls):
        """SQL condition: the participant's role is open by consent. A service provider is
        admitted only while the plan's valid consent names their unit, or their unit's kind of
        service in the plan's municipality (SPEC §3.1.5: consent is given to a service); other
        roles do not depend on it. Narrowing takes effect at once (SPEC §4): a withdrawn
        consent, or a new version without the service, admits nobody of that service."""
        consent, named = Consent.alias(), ConsentService.alias()
        unit, group, plan = Unit.alias(), ServiceGroup.alias(), Plan.alias()
        naming = (
            named.select(peewee.SQL("1"))
            .join(consent, on=(named.consent == consent.id))
            .join(plan, on=(consent.plan == plan.id))
            .switch(named)
            .join(unit, peewee.JOIN.LEFT_OUTER, on=(unit.id == cls.unit))
            .join(group, peewee.JOIN.LEFT_OUTER, on=(unit.group == group.id))
            .where(
                (consent.plan == cls.plan)
                & (consent.status == Consent.VALID)
                & (
                    (named.unit == cls.unit)
                    | (
                        (named.service_kind == group.kind)
                        & (unit.municipality == plan.municipality)
                    )
                )
            )
        )
        return (cls.role != cls.SERVICE_PROVIDER) | peewee.fn.EXISTS(naming)

    @classmethod
    def active_in(cls, plan):
        """The plan's participants with access now (``with_access``), each with their person,
        by name: who can be written to, invited to a meeting or made responsible."""
        return (
            cls.select(cls, Person)
            .join(Person, on=(cls.person == Person.id))
            .where((cls.plan == plan) & cls.with_access(oslo_today()))
            .order_by(Person.name, cls.id)
        )

    @classmethod
    def with_access(cls, today):
        """SQL condition: active, not past an end date, and admitted by consent."""
        return (
            (cls.status == cls.ACTIVE)
            & (cls.access_until.is_null() | (cls.access_until >= today))
            & cls.admitted()
        )


# One plan owner per plan (SPEC §2): a partial unique index, so the database refuses a second
# one whatever the form checked (migration 003).
Participant.add_index(
    Participant.index(Participant.plan, unique=True, name="participant_one_owner_per_plan",
                      where=(Participant.role == Participant.OWNER))
)
# Exactly one stafetthaldar at a time (SPEC §2, §3.6): two hand-overs at once leave one
# (migration 007).
Participant.add_index(
    Participant.index(Participant.plan, unique=True, name="participant_one_stafetthaldar",
                      where=(Participant.role == Participant.STAFETTHALDAR))
)


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
    # Signed with ID-porten: the authentication's level, means and time; the seal covers them.
    acr = peewee.CharField(max_length=40, null=True)
    amr = peewee.CharField(max_length=100, null=True)
    authenticated_at = peewee.DateTimeField(null=True)

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

    @classmethod
    def with_activities(cls, plan):
        """The plan's goals in order, each with ``.activity_list`` (with the responsible
        participant and person): two queries whatever the number of goals, built once
        (every plan page that shows goals asks this)."""
        plan_id = plan if isinstance(plan, int) else plan.id
        goals = _goals_of_plan(plan_id)
        by_goal = {goal.id: goal for goal in goals}
        for goal in goals:
            goal.activity_list = []
        if goals:
            for activity in _activities_of_plan(plan_id):
                by_goal[activity.goal_id].activity_list.append(activity)
        return goals


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


# Goal.with_activities' two queries (webapp.db.Prepared). Of the responsible participant and
# person only what pages show: a plan page lists every activity, and each column more is
# parsed on every row.
_goals_of_plan = Prepared(lambda plan_id: (
    Goal.select().where(Goal.plan == plan_id).order_by(Goal.position, Goal.id)))
_activities_of_plan = Prepared(lambda plan_id: (
    Activity.select(Activity, Participant.id, Participant.role, Participant.unit,
                    Participant.person, Person.id, Person.name)
    .join(Goal, on=(Activity.goal == Goal.id))
    .switch(Activity)
    .join(Participant, on=(Activity.responsible == Participant.id))
    .join(Person, on=(Participant.person == Person.id))
    .where(Goal.plan == plan_id)
    .order_by(Activity.id)))


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
    outcome_at = peewee.DateTimeField(null=True)
    outcome_by = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL")
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

    @classmethod
    def mark_read(cls, message, person):
        """``person`` has read ``message`` now (the first reading counts)."""
        (
            cls.update(read_at=utcnow())
            .where((cls.message == message) & (cls.person == person) & cls.read_at.is_null())
            .execute()
        )


class PlanArchive(BaseModel):
    """The archive PDF of a plan (SPEC §3.7), stored under the instance folder (never under
    ``static/``) with its SHA-256, size and time; kept after deletion without the file, as the
    proof of what was archived."""

    plan = peewee.ForeignKeyField(Plan, backref="archives", on_delete="CASCADE")
    file_name = peewee.CharField(max_length=100)  # random, inside ARCHIVE_DIR
    sha256 = peewee.CharField(max_length=64)
    size = peewee.IntegerField()
    created_at = peewee.DateTimeField(default=utcnow)
    created_by = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL")
    file_deleted_at = peewee.DateTimeField(null=True)


class TimelineEvent(BaseModel):
    """One event in the plan's life (SPEC §3.8), in order; ``detail`` holds no free text."""

    plan = peewee.ForeignKeyField(Plan, backref="timeline", on_delete="CASCADE")
    at = peewee.DateTimeField(default=utcnow, index=True)
    actor = peewee.ForeignKeyField(Person, null=True)
    kind = peewee.CharField(max_length=40)
    detail = peewee.CharField(max_length=200, default="")

    class Meta:
        # The reports: a plan's level changes, and its latest entry (migration 012).
        indexes = ((("plan", "kind"), False), (("plan", "at"), False))


class LevelStay(BaseModel):
    """A plan's stay on one BTI level, for the reports' average days on each level (SPEC §3.9):
    opened at level 1 when the plan is made and at each level change (``webapp.levels``), in
    the change's transaction; ``ended_at`` is the next stay's start, NULL while current. The
    current stay of a closed or archived plan ends with the plan (``closed_at``, then
    ``archived_at``, read by the report), so reopening a plan needs nothing here. Removed with
    the timeline when the plan is deleted. Migration 017 made the stays of older plans from
    their timelines."""

    plan = peewee.ForeignKeyField(Plan, backref="level_stays", on_delete="CASCADE")
    level = peewee.SmallIntegerField()
    started_at = peewee.DateTimeField()
    ended_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "level_stay"
        # Covering: the report reads a plan's stays in the period from the index alone.
        indexes = ((("plan", "started_at", "ended_at", "level"), False),)


class Transfer(BaseModel):
    """The log moved to a new unit (SPEC §3.6: kindergarten → school): proposed by the
    stafetthaldar or the plan's unit leader, accepted or declined by the receiving unit's
    leader, who appoints a stafetthaldar there. At most one waits per plan."""

    WAITING = "waiting"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the proposer took it back
    STATUSES = (WAITING, ACCEPTED, DECLINED, WITHDRAWN)

    # Why a receiving leader declines: choices, so nothing about the child is written here.
    REASONS = ("not_starting_here", "other_unit", "needs_meeting", "other")

    plan = peewee.ForeignKeyField(Plan, backref="transfers", on_delete="CASCADE")
    from_unit = peewee.ForeignKeyField(Unit, backref="+")
    to_unit = peewee.ForeignKeyField(Unit, backref="transfers_in")
    status = peewee.CharField(max_length=10, default=WAITING)
    old_holder_keeps_access = peewee.BooleanField(default=False)
    proposed_by = peewee.ForeignKeyField(Person, backref="+")
    proposed_at = peewee.DateTimeField(default=utcnow)
    answered_by = peewee.ForeignKeyField(Person, null=True, backref="+")
    answered_at = peewee.DateTimeField(null=True)
    decline_reason = peewee.CharField(max_length=20, null=True)
    new_holder = peewee.ForeignKeyField(Person, null=True, backref="+")

    @classmethod
    def waiting_for(cls, person):
        """Transfers waiting for ``person``'s answer as the receiving unit's leader, oldest
        first, with the plan and both units: metadata only (one query)."""
        from webapp.models.org import Membership

        led = Membership.select(Membership.unit).where(
            (Membership.person == person) & (Membership.role == Membership.UNIT_ADMIN)
        )
        source = Unit.alias()
        return (
            cls.select(cls, Plan, source, Person)
            .join(Plan, on=(cls.plan == Plan.id))
            .switch(cls)
            .join(source, on=(cls.from_unit == source.id))
            .switch(cls)
            .join(Person, on=(cls.proposed_by == Person.id))
            .where((cls.status == cls.WAITING) & cls.to_unit.in_(led))
            .order_by(cls.proposed_at, cls.id)
        )

    @classmethod
    def waiting_in(cls, plans):
        """``{plan_id: transfer}`` of the transfer waiting in each of ``plans``, with the
        receiving unit (one query)."""
        ids = [plan.id for plan in plans]
        if not ids:
            return {}
        return {row.plan_id: row for row in _waiting_in(ids)}


_waiting_in = Prepared(lambda plan_ids: (
    Transfer.select(Transfer, Unit)
    .join(Unit, on=(Transfer.to_unit == Unit.id))
    .where(Transfer.plan.in_(plan_ids) & (Transfer.status == Transfer.WAITING))))

# One waiting transfer per plan (migration 007).
Transfer.add_index(
    Transfer.index(Transfer.plan, unique=True, name="transfer_one_waiting_per_plan",
                   where=(Transfer.status == Transfer.WAITING))
)


class Handover(BaseModel):
    """The baton handed on (SPEC §3.6): from whom, to whom, and the family's wish, as a choice
    (``wish``: the new holder, another participant, nobody in particular, or not asked) with
    an optional short note; ``transfer`` when it came with a transfer to a new unit."""

    WISHED_NEW = "new_holder"  # the family wished for the new stafetthaldar
    WISHED_OTHER = "other"  # the family wished for someone else (``wished_for``, if in the plan)
    NO_WISH = "no_wish"
    NOT_ASKED = "not_asked"
    NOT_RECORDED = "not_recorded"  # appointed by the receiving leader at a transfer
    WISHES = (WISHED_NEW, WISHED_OTHER, NO_WISH, NOT_ASKED, NOT_RECORDED)

    plan = peewee.ForeignKeyField(Plan, backref="handovers", on_delete="CASCADE")
    from_person = peewee.ForeignKeyField(Person, null=True, backref="+")
    to_person = peewee.ForeignKeyField(Person, backref="+")
    wish = peewee.CharField(max_length=12, default=NOT_ASKED)
    wished_for = peewee.ForeignKeyField(Person, null=True, backref="+")
    note = peewee.CharField(max_length=200, default="")
    old_holder_keeps_access = peewee.BooleanField(default=False)
    by = peewee.ForeignKeyField(Person, backref="+")
    at = peewee.DateTimeField(default=utcnow)
    transfer = peewee.ForeignKeyField(Transfer, null=True, on_delete="SET NULL")



# --- Named queries --------------------------------------------------------------------------


def _listed():
    """The columns a list of plans shows (plans/_plan_table.html): metadata, never the plan's
    overview or the owner's identity number, and a third of the columns to read per row."""
    return (Plan.id, Plan.unit, Plan.owner_name, Plan.status, Plan.bti_level,
            Plan.next_evaluation, Plan.updated_at)


_Holder = Participant.alias("holder")
_HolderPerson = Person.alias("holder_person")


def _with_holder(query):
    """``query`` (of plans) with the name of the plan's stafetthaldar as ``holder_name`` (None
    when there is none; a plan has at most one, ``participant_one_stafetthaldar``): a page of a
    list reads it in its own query instead of a second one that names every listed plan."""
    return (query.select_extend(_HolderPerson.name.alias("holder_name"))
            .switch(Plan)
            .join(_Holder, peewee.JOIN.LEFT_OUTER,
                  on=((_Holder.plan == Plan.id) & (_Holder.role == Participant.STAFETTHALDAR)))
            .join(_HolderPerson, peewee.JOIN.LEFT_OUTER,
                  on=(_Holder.person == _HolderPerson.id))
            .objects())  # every column on the plan, ``holder_name`` too


def plans_of(person_id, today):
    """Plans in which ``person_id`` has a role with access on ``today`` (as stored,
    ``Participant.access_until.db_value``; ``Participant.with_access``), newest first: a service
    the consent no longer names does not see even the plan owner's name. The listed columns
    only (``_listed``)."""
    return (
        Plan.select(*_listed())
        .join(Participant)
        .where((Participant.person == person_id) & Participant.with_access(today))
        .distinct()
        .order_by(Plan.updated_at.desc(), Plan.id.desc())
    )


def plans_led_by(person_id):
    """Plans of the units (and groups) ``person_id`` administers: metadata only (SPEC §2), the
    listed columns (``_listed``), the next evaluation first."""
    from webapp.models.org import Membership

    units = Membership.select(Membership.unit).where(
        (Membership.person == person_id) & (Membership.role == Membership.UNIT_ADMIN)
    )
    groups = Membership.select(Membership.group).where(
        (Membership.person == person_id) & (Membership.role == Membership.GROUP_ADMIN)
    )
    return (
        Plan.select(*_listed())
        .join(Unit)
        .where(((Plan.unit.in_(units)) | (Unit.group.in_(groups)))
               & (Plan.status != Plan.DELETED))
        .order_by(Plan.next_evaluation.asc(nulls="LAST"), Plan.id)
    )


# The home page's two lists, each a count and a page (webapp.db.Prepared: built once).
_mine_total = Prepared(lambda person_id, today: counted(plans_of(person_id, today)))
_mine_page = Prepared(lambda person_id, today, limit, offset: (
    _with_holder(plans_of(person_id, today)).limit(limit).offset(offset)))
_led_total = Prepared(lambda person_id: counted(plans_led_by(person_id)))
_led_page = Prepared(lambda person_id, limit, offset: (
    _with_holder(plans_led_by(person_id)).limit(limit).offset(offset)))


def access_today():
    """Oslo's date as ``Participant.access_until`` stores it: the value a prepared query's
    ``Participant.with_access`` condition is run with."""
    return Participant.access_until.db_value(oslo_today())


def count_plans_of(person):
    """How many plans ``plans_of`` finds for ``person`` today."""
    return _mine_total(person.id, access_today())[0][0]


def page_of_plans_of(person, page, per_page):
    """Page ``page`` (from 1) of ``plans_of`` for ``person`` today, each plan with its
    stafetthaldar's ``holder_name``."""
    return _mine_page(person.id, access_today(), per_page, (page - 1) * per_page)


def count_plans_led_by(person):
    """How many plans ``plans_led_by`` finds for ``person``."""
    return _led_total(person.id)[0][0]


def page_of_plans_led_by(person, page, per_page):
    """Page ``page`` (from 1) of ``plans_led_by`` for ``person``, each plan with its
    stafetthaldar's ``holder_name``."""
    return _led_page(person.id, per_page, (page - 1) * per_page)


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
