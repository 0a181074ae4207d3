"""Participants of a plan (SPEC §2, §3.1.5, §3.4): reading them, and inviting people.

Writes happen here so the views stay thin. A new participant is *invited* (a content-free
notification by e-mail or SMS) and becomes *active* on first login (``auth.activate_invitations``).
"""

import operator
from functools import reduce

import peewee

from webapp.audit import add_event
from webapp.models import (
    Consent,
    ConsentService,
    Membership,
    Participant,
    Person,
    Plan,
    ServiceGroup,
    Unit,
)
from webapp.notify import notify


def participants_of(plan):
    """Every participant of ``plan`` with their person and unit, in one query."""
    return list(
        Participant.select(Participant, Person, Unit)
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


def invite_family(plan, role, name, email, mobile, actor, shares=True):
    """Invite a guardian or the plan owner; reuse the person when the address is known.
    Returns the participant, or ``None`` when that person already has the role in the plan."""
    person = find_family_person(email, mobile)
    if person is None:
        person = Person.create(name=name, email=email or None, mobile=mobile or None)
    elif has_role(plan, person.id, role):
        return None
    participant = Participant.create(
        plan=plan, person=person, role=role, status=Participant.INVITED,
        shares_parental_responsibility=shares,
    )
    if role == Participant.OWNER and not plan.owner_logs_in:
        Plan.update(owner_logs_in=True).where(Plan.id == plan.id).execute()
    notify(person, "invitation")
    add_event(plan, "participant_invited", actor, role)
    return participant


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
    return (
        Unit.select(Unit.id)
        .join(ServiceGroup)
        .where(
            (Unit.id.in_(named))
            | ((Unit.municipality == plan.municipality_id) & ServiceGroup.kind.in_(kinds))
        )
    )


def provider_choices(plan):
    """``[(value, label)]`` of the active employees of the consented units, ``value`` being
    ``"person_id:unit_id"`` (one query)."""
    rows = (
        Membership.select(Person.id, Person.name, Unit.id, Unit.name)
        .join(Person, on=(Membership.person == Person.id))
        .switch(Membership)
        .join(Unit, on=(Membership.unit == Unit.id))
        .where(
            Membership.unit.in_(consented_units(plan)) & Person.active & Person.is_employee
        )
        .distinct()
        .order_by(Unit.name, Person.name, Person.id)
        .tuples()
    )
    return [(f"{pid}:{uid}", f"{name} ({unit})") for pid, name, uid, unit in rows]


def invite_provider(plan, value, actor):
    """Invite the employee ``value`` (from ``provider_choices``) as a service provider.
    Returns the participant, or ``None`` when they already are one."""
    person_id, unit_id = (int(part) for part in value.split(":"))
    if has_role(plan, person_id, Participant.SERVICE_PROVIDER):
        return None
    participant = Participant.create(
        plan=plan, person=person_id, role=Participant.SERVICE_PROVIDER, unit=unit_id,
        status=Participant.INVITED,
    )
    notify(Person.get_by_id(person_id), "invitation")
    add_event(plan, "participant_invited", actor, Participant.SERVICE_PROVIDER)
    return participant
