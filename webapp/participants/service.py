"""Participants of a plan (SPEC §2, §3.1.5, §3.4): reading them, and inviting people.

Writes happen here so the views stay thin. A new participant is *invited* (a content-free
notification by e-mail or SMS) and becomes *active* on first login (``auth.activate_invitations``).
"""

import operator
from functools import reduce

import peewee

from webapp.audit import add_event
from webapp.db import database
from webapp.models import (
    Activity,
    Consent,
    ConsentService,
    Handover,
    Meeting,
    MeetingInvite,
    Membership,
    Participant,
    Person,
    Plan,
    ServiceGroup,
    Unit,
    UnitServes,
    oslo_today,
    utcnow,
)
from webapp.notify import notify


def participants_of(plan):
    """Every participant of ``plan`` with their person and unit, in one query. ``admitted`` is
    false for a service provider whose service the valid consent does not name (any longer):
    their access has ended, though their role is kept for a consent that names it again."""
    return list(
        Participant.select(Participant, Person, Unit, Participant.admitted().alias("admitted"))
        .join(Person, on=(Participant.person == Person.id))
        .switch(Participant)
        .join(Unit, peewee.JOIN.LEFT_OUTER, on=(Participant.unit == Unit.id))
        .where(Participant.plan == plan)
        .order_by(Participant.invited_at, Participant.id)
    )


def find_family_person(email, mobile):
    """An existing person (not an employee) with this e-mail or mobile number, or ``None``:
    a guardian in two plans is one person with one login."""
    conditions = []
    if email:
        conditions.append(Person.email == email)
    if mobile:
        conditions.append(Person.mobile == mobile)
    if not conditions:
        return None
    return (
        Person.select()
        .where(reduce(operator.or_, conditions) & ~Person.is_employee)
        .order_by(Person.id)
        .first()
    )


def has_role(plan, person_id, role):
    return (
        Participant.select()
        .where(
            (Participant.plan == plan)
            & (Participant.person == person_id)
            & (Participant.role == role)
        )
        .exists()
    )


class OwnerExists(Exception):
    """The plan has its plan owner already: one per plan (``participant_one_owner_per_plan``)."""


def invite_family(plan, role, name, email, mobile, actor, shares=True):
    """Invite a guardian or the plan owner; reuse the person when the address is known.
    Returns the participant, or ``None`` when that person already has the role in the plan;
    raises ``OwnerExists`` for a second plan owner (the database refuses it)."""
    person = find_family_person(email, mobile)
    if person is None:
        person = Person.create(name=name, email=email or None, mobile=mobile or None)
    elif has_role(plan, person.id, role):
        return None
    try:
        with database.atomic():  # a savepoint: the caller's transaction survives a refusal
            participant = Participant.create(
                plan=plan, person=person, role=role, status=Participant.INVITED,
                shares_parental_responsibility=shares,
            )
    except peewee.IntegrityError:
        if role == Participant.OWNER:
            raise OwnerExists() from None
        raise
    if role == Participant.OWNER and not plan.owner_logs_in:
        Plan.update(owner_logs_in=True).where(Plan.id == plan.id).execute()
    notify(person, "invitation")
    add_event(plan, "participant_invited", actor, role)
    return participant


def participant_of(plan, participant_id):
    """The participant ``participant_id`` of ``plan``, or ``None`` (another plan's is not
    found through this one)."""
    return Participant.get_or_none(
        (Participant.id == participant_id) & (Participant.plan == plan)
    )


def removable(participant):
    """A participant added by mistake may be removed; the stafetthaldar is not: a plan has
    exactly one, changed by handing the baton on (SPEC §3.6)."""
    return participant.role != Participant.STAFETTHALDAR


def remove(plan, participant, actor):
    """Remove ``participant`` from ``plan`` (before consent: nothing in the plan names them
    yet), with a timeline event. The person stays: they may be in other plans."""
    Participant.delete().where(Participant.id == participant.id).execute()
    add_event(plan, "participant_removed", actor, participant.role)


def consented_units(plan):
    """The units the valid consent names: named units, and the units of the municipality whose
    group is of a named kind of service (SPEC §3.1.5: consent is given to a service)."""
    valid = Consent.select(Consent.id).where(
        (Consent.plan == plan) & (Consent.status == Consent.VALID)
    )
    named = ConsentService.select(ConsentService.unit).where(
        ConsentService.consent.in_(valid) & ConsentService.unit.is_null(False)
    )
    kinds = ConsentService.select(ConsentService.service_kind).where(
        ConsentService.consent.in_(valid) & ConsentService.service_kind.is_null(False)
    )
    # A unit of another municipality that serves this one (inter-municipal PPT, UnitServes)
    # counts as the municipality's own for a consent to a kind of service.
    serving = UnitServes.select(UnitServes.unit).where(
        UnitServes.municipality == plan.municipality_id)
    return (
        Unit.select(Unit.id)
        .join(ServiceGroup)
        .where(
            (Unit.id.in_(named))
            | (((Unit.municipality == plan.municipality_id) | Unit.id.in_(serving))
               & ServiceGroup.kind.in_(kinds))
        )
    )


def _consented_employees(plan):
    return (
        Membership.select(Person.id, Person.name, Unit.id, Unit.name)
        .join(Person, on=(Membership.person == Person.id))
        .switch(Membership)
        .join(Unit, on=(Membership.unit == Unit.id))
        .where(
            Membership.unit.in_(consented_units(plan)) & Person.active & Person.is_employee
        )
    )


def provider_choices(plan, search=""):
    """``[(value, label)]`` of the active employees of the consented units, ``value`` being
    ``"person_id:unit_id"`` (one query). ``search`` keeps those whose name or unit contains
    it (SPEC §3.4: an employee of another unit is found by name or unit)."""
    query = _consented_employees(plan)
    words = (search or "").split()
    for word in words[:5]:
        query = query.where(Person.name.contains(word) | Unit.name.contains(word))
    rows = (
        query.distinct()
        .order_by(Unit.name, Person.name, Person.id)
        .tuples()
    )
    return [(f"{pid}:{uid}", f"{name} ({unit})") for pid, name, uid, unit in rows]


class NotConsented(Exception):
    """The employee is not of a service the valid consent names (any longer)."""


def invite_provider(plan, value, actor):
    """Invite the employee ``value`` (from ``provider_choices``) as a service provider.
    Returns the participant, or ``None`` when they already are one. Raises ``NotConsented``
    unless the valid consent names their unit's service now, inside the caller's transaction:
    whatever the request says, and whatever changed since the form was shown (SPEC §3.4)."""
    person_id, unit_id = (int(part) for part in value.split(":"))
    consented = (
        _consented_employees(plan)
        .where((Person.id == person_id) & (Unit.id == unit_id))
        .exists()
    )
    if not consented:
        raise NotConsented()
    if has_role(plan, person_id, Participant.SERVICE_PROVIDER):
        return None
    participant = Participant.create(
        plan=plan, person=person_id, role=Participant.SERVICE_PROVIDER, unit=unit_id,
        status=Participant.INVITED,
    )
    notify(Person.get_by_id(person_id), "invitation")
    add_event(plan, "participant_invited", actor, Participant.SERVICE_PROVIDER)
    return participant


# --- Handing the baton on (SPEC §3.6) ---------------------------------------------------------


class BatonMoved(Exception):
    """The baton is no longer where the request found it: another hand-over (or a transfer)
    came first. Raised inside the caller's transaction, which then leaves everything as it was."""


def stafetthaldar_of(plan):
    """The plan's stafetthaldar (one, ``participant_one_stafetthaldar``), with the person and
    unit, or ``None``."""
    return (
        Participant.select(Participant, Person)
        .join(Person, on=(Participant.person == Person.id))
        .where((Participant.plan == plan) & (Participant.role == Participant.STAFETTHALDAR))
        .first()
    )


def baton_candidates(plan, holder_person_id):
    """Who may take the baton: the plan's other active employees with access (service
    providers the valid consent admits), with person and unit, by name (one query)."""
    return list(
        Participant.select(Participant, Person, Unit)
        .join(Person, on=(Participant.person == Person.id))
        .switch(Participant)
        .join(Unit, peewee.JOIN.LEFT_OUTER, on=(Participant.unit == Unit.id))
        .where(
            (Participant.plan == plan)
            & (Participant.role == Participant.SERVICE_PROVIDER)
            & Participant.with_access(oslo_today())
            & Person.is_employee
            & Person.active
            & (Participant.person != holder_person_id)
        )
        .order_by(Person.name, Participant.id)
    )


def consent_names_unit(plan, unit_id):
    """Whether the valid consent admits a service provider of ``unit_id`` (``admitted``)."""
    return unit_id is not None and consented_units(plan).where(Unit.id == unit_id).exists()


def _merge(source_id, target_id):
    """Move what names participant ``source_id`` (activities, minute-taking, invitations) to
    ``target_id``, the same person's other row in the plan."""
    Activity.update(responsible=target_id).where(Activity.responsible == source_id).execute()
    Meeting.update(minute_taker=target_id).where(Meeting.minute_taker == source_id).execute()
    already = MeetingInvite.select(MeetingInvite.meeting).where(
        MeetingInvite.participant == target_id)
    MeetingInvite.delete().where(
        (MeetingInvite.participant == source_id) & MeetingInvite.meeting.in_(already)).execute()
    MeetingInvite.update(participant=target_id).where(
        MeetingInvite.participant == source_id).execute()


def _step_down(plan, holder, keeps_access):
    """The old stafetthaldar becomes a service provider of their unit, with access (which the
    consent must admit, as every service's) or with their access ended. Only if they are still
    the stafetthaldar: otherwise ``BatonMoved``."""
    status = Participant.ACTIVE if keeps_access else Participant.ENDED
    other = Participant.get_or_none(
        (Participant.plan == plan) & (Participant.person == holder.person_id)
        & (Participant.role == Participant.SERVICE_PROVIDER)
    )
    if other is None:
        moved = Participant.update(role=Participant.SERVICE_PROVIDER, status=status).where(
            (Participant.id == holder.id) & (Participant.role == Participant.STAFETTHALDAR)
        ).execute()
    else:
        _merge(holder.id, other.id)
        moved = Participant.delete().where(
            (Participant.id == holder.id) & (Participant.role == Participant.STAFETTHALDAR)
        ).execute()
        if moved and not keeps_access:
            Participant.update(status=status).where(Participant.id == other.id).execute()
    if not moved:
        raise BatonMoved()


def _take_up(plan, person_id, unit_id, only_active_provider):
    """``person_id`` becomes the stafetthaldar: their service-provider row changes role, or a
    new row is made. The database refuses a second stafetthaldar (``BatonMoved``)."""
    target = Participant.get_or_none(
        (Participant.plan == plan) & (Participant.person == person_id)
        & (Participant.role == Participant.SERVICE_PROVIDER)
    )
    try:
        with database.atomic():
            if target is not None:
                condition = (Participant.id == target.id) & (
                    Participant.role == Participant.SERVICE_PROVIDER)
                if only_active_provider:
                    condition &= Participant.status == Participant.ACTIVE
                changed = Participant.update(
                    role=Participant.STAFETTHALDAR, status=Participant.ACTIVE,
                    unit=unit_id or target.unit_id,
                    activated_at=target.activated_at or utcnow(),
                ).where(condition).execute()
                if not changed:
                    raise BatonMoved()
            elif only_active_provider:
                raise BatonMoved()
            else:
                Participant.create(plan=plan, person=person_id, role=Participant.STAFETTHALDAR,
                                   unit=unit_id, status=Participant.ACTIVE,
                                   activated_at=utcnow())
    except peewee.IntegrityError:
        raise BatonMoved() from None


def hand_over_baton(plan, holder, to_person_id, actor, *, keeps_access, wish,
                    wished_for=None, note="", unit_id=None, transfer=None, by_leader=False):
    """Hand the baton from ``holder`` (the stafetthaldar's participant row as the request read
    it, or ``None``) to ``to_person_id`` (SPEC §3.6), inside the caller's transaction: exactly
    one stafetthaldar afterwards, or ``BatonMoved`` and the caller's transaction undone. A
    hand-over goes to an active service provider of the plan; a transfer (``transfer``), or the
    leader's appointment at absence (``by_leader``, routine 000 "Kontinuitet ved fråvær"), may
    appoint an employee of the unit (``unit_id``) who is not yet in it. The family's wish is
    recorded; the timeline says so; the new holder gets a content-free notification."""
    if holder is not None:
        _step_down(plan, holder, keeps_access)
    _take_up(plan, to_person_id, unit_id,
             only_active_provider=transfer is None and not by_leader)
    Handover.create(
        plan=plan, from_person=holder.person_id if holder else None, to_person=to_person_id,
        wish=wish, wished_for=wished_for, note=note or "", old_holder_keeps_access=keeps_access,
        by=actor, at=utcnow(), transfer=transfer,
    )
    detail = ("family_wish" if wish == Handover.WISHED_NEW
              else "leader" if transfer or by_leader else "")
    add_event(plan, "stafetthaldar_appointed" if by_leader else "baton_handed_on", actor, detail)
    notify(Person.get_by_id(to_person_id), "baton", plan)


def handovers_of(plan):
    """The plan's hand-overs, newest first, with the people's names (one query)."""
    giver, taker, wished = Person.alias(), Person.alias(), Person.alias()
    return list(
        Handover.select(Handover, giver, taker, wished)
        .join(giver, peewee.JOIN.LEFT_OUTER, on=(Handover.from_person == giver.id),
              attr="from_person")
        .switch(Handover)
        .join(taker, on=(Handover.to_person == taker.id), attr="to_person")
        .switch(Handover)
        .join(wished, peewee.JOIN.LEFT_OUTER, on=(Handover.wished_for == wished.id),
              attr="wished_for")
        .where(Handover.plan == plan)
        .order_by(Handover.at.desc(), Handover.id.desc())
    )
