"""The administration's reads and writes (SPEC §2, routine 000 "Legge til tilsette").

Every read is scoped to the administrator's own municipality by the caller's object rules
(``webapp.policy``) and by the queries here: nothing of another municipality is listed.
"""

import peewee
from flask import g

from webapp import policy
from webapp.account import tokens
from webapp.models import (
    Membership,
    Municipality,
    Person,
    ServiceGroup,
    Unit,
    UnitServes,
    utcnow,
)
from webapp.notify import send_link
from webapp.sessions import revoke_all

UNIT_ROLES = policy.UNIT_ROLES


class AddressTaken(Exception):
    """The e-mail address belongs to an account that cannot be given this role here."""


class Deactivated(Exception):
    """The e-mail address belongs to a deactivated employee: reactivate them instead."""


# --- Reads -------------------------------------------------------------------------------------


def groups_of(person):
    """The service groups ``person`` administers (all of the municipality for its
    administrator), each with ``units`` (two queries)."""
    if policy.is_municipality_admin(person):
        condition = ServiceGroup.municipality == person.municipality_id
    else:
        ids = [group for role, _unit, group in policy.memberships(person)
               if role == Membership.GROUP_ADMIN and group is not None]
        if not ids:
            return []
        condition = ServiceGroup.id.in_(ids) & (
            ServiceGroup.municipality == person.municipality_id)
    groups = list(ServiceGroup.select().where(condition).order_by(ServiceGroup.name,
                                                                   ServiceGroup.id))
    units = {}
    if groups:
        for unit in Unit.select().where(Unit.group.in_([gr.id for gr in groups])).order_by(
                Unit.name, Unit.id):
            units.setdefault(unit.group_id, []).append(unit)
    for group in groups:
        group.unit_list = units.get(group.id, [])
    return groups


def led_units(person):
    """The units ``person`` leads as unit administrator (one query)."""
    ids = [unit for role, unit, _group in policy.memberships(person)
           if role == Membership.UNIT_ADMIN and unit is not None]
    if not ids:
        return []
    return list(Unit.select(Unit, ServiceGroup).join(ServiceGroup).where(
        Unit.id.in_(ids) & (Unit.municipality == person.municipality_id)).order_by(Unit.name))


def group_or_none(group_id, person):
    """The group ``group_id`` of ``person``'s own municipality, or ``None`` (404)."""
    return ServiceGroup.get_or_none((ServiceGroup.id == group_id)
                                    & (ServiceGroup.municipality == person.municipality_id))


def unit_or_none(unit_id, person):
    """The unit ``unit_id`` of ``person``'s own municipality (with its group), or ``None``."""
    return (Unit.select(Unit, ServiceGroup).join(ServiceGroup)
            .where((Unit.id == unit_id) & (Unit.municipality == person.municipality_id))
            .first())


def employee_or_none(employee_id, person):
    """The employee ``employee_id`` of ``person``'s own municipality, or ``None``."""
    return Person.get_or_none((Person.id == employee_id) & Person.is_employee
                              & (Person.municipality == person.municipality_id))


def memberships_of(employee):
    """``[(role, unit, group)]`` of ``employee``, units with their groups (one query)."""
    return memberships_of_all([employee]).get(employee.id, [])


def memberships_of_all(people):
    """``{person_id: [(role, unit, group_id)]}`` for ``people`` (one query)."""
    found = {}
    if not people:
        return found
    rows = (Membership.select(Membership, Unit, ServiceGroup)
            .join(Unit, peewee.JOIN.LEFT_OUTER, on=(Membership.unit == Unit.id))
            .join(ServiceGroup, peewee.JOIN.LEFT_OUTER, on=(Unit.group == ServiceGroup.id))
            .where(Membership.person.in_([p.id for p in people])))
    for m in rows:
        found.setdefault(m.person_id, []).append(
            (m.role, m.unit if m.unit_id else None, m.group_id))
    return found


def staff_of(unit):
    """The unit's employees, each with ``role`` (the highest of their roles in the unit),
    sorted by name (one query)."""
    order = {role: rank for rank, role in enumerate(UNIT_ROLES)}
    people = {}
    rows = (Membership.select(Membership.role, Person)
            .join(Person)
            .where((Membership.unit == unit) & Membership.role.in_(UNIT_ROLES))
            .order_by(Person.name, Person.id))
    for row in rows:
        person = people.setdefault(row.person.id, row.person)
        if order[row.role] >= order.get(getattr(person, "role", None), -1):
            person.role = row.role
    return list(people.values())


def group_administrators(group):
    return list(Person.select().join(Membership).where(
        (Membership.group == group) & (Membership.role == Membership.GROUP_ADMIN))
        .order_by(Person.name, Person.id))


def served_municipalities(unit):
    return list(Municipality.select().join(UnitServes).where(UnitServes.unit == unit)
                .order_by(Municipality.name))


def role_in(unit, employee):
    for role in reversed(UNIT_ROLES):
        if Membership.select().where((Membership.unit == unit) & (Membership.person == employee)
                                     & (Membership.role == role)).exists():
            return role
    return None


# --- Writes ------------------------------------------------------------------------------------


def create_municipality(name, number, admin_name, admin_email):
    """The first start (``flask create-municipality``): the municipality and its first
    administrator, who sets a password through the link returned."""
    municipality = Municipality.create(name=name, number=number)
    person = Person.create(name=admin_name, email=admin_email, is_employee=True,
                           municipality=municipality, invited_at=utcnow())
    Membership.create(person=person, role=Membership.MUNICIPALITY_ADMIN)
    return municipality, person


def invite(actor, email, name, role, unit=None, group=None):
    """Give ``role`` in ``unit`` (or, for a group administrator, in ``group``) to the employee
    with ``email``: an employee of the same municipality gets the role at once, a new one is
    created and sent an invitation link (routine 000: "Den tilsette får ein e-post invitasjon
    dei må godta"). Raises ``AddressTaken`` or ``Deactivated``. Returns the person."""
    person = Person.get_or_none(Person.email == email)
    if person is not None and (not person.is_employee
                               or person.municipality_id != actor.municipality_id):
        raise AddressTaken()
    if person is not None and not person.active:
        raise Deactivated()
    if person is not None and unit is not None:
        held = role_in(unit, person)
        if held is not None and held not in policy.grantable_roles(actor, unit):
            raise AddressTaken()  # a fellow leader's role is not the leader's to change
    if person is None:
        person = Person.create(name=name, email=email, is_employee=True,
                               municipality=actor.municipality_id)
    if unit is not None:
        set_role(unit, person, role)
    else:
        Membership.insert(person=person, group=group, role=Membership.GROUP_ADMIN) \
            .on_conflict_ignore().execute()
    if not person.password_hash:
        send_invitation(person)
    return person


def send_invitation(person):
    person.invited_at = utcnow()
    person.save(only=[Person.invited_at])
    send_link(person, "employee_invitation", tokens.link_for(person, tokens.INVITATION))


def set_role(unit, person, role):
    """``person``'s one role in ``unit`` becomes ``role`` (employee, coordinator or unit
    administrator): give or take the coordinator role, appoint or remove a leader."""
    Membership.delete().where((Membership.unit == unit) & (Membership.person == person)
                              & Membership.role.in_(UNIT_ROLES)).execute()
    Membership.create(person=person, unit=unit, role=role)
    g.pop("_memberships", None)


def remove_group_administrator(group, person):
    Membership.delete().where((Membership.group == group) & (Membership.person == person)
                              & (Membership.role == Membership.GROUP_ADMIN)).execute()


def deactivate(person):
    """A leaver (SPEC §2): no access at all from the next request on; every session ends now.
    Their plans show in the leader's worklist as needing a new stafetthaldar."""
    Person.update(active=False, deactivated_at=utcnow()).where(Person.id == person.id).execute()
    revoke_all(person)


def reactivate(person):
    Person.update(active=True, deactivated_at=None).where(Person.id == person.id).execute()


def serve(unit, municipality):
    UnitServes.insert(unit=unit, municipality=municipality).on_conflict_ignore().execute()


def stop_serving(unit, municipality_id):
    UnitServes.delete().where((UnitServes.unit == unit)
                              & (UnitServes.municipality == municipality_id)).execute()
