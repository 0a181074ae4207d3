"""Transfers of a log to a new unit (SPEC §3.6): proposing, accepting (the plan's unit changes,
a stafetthaldar of the receiving unit takes the baton) and declining. Writes run inside the
caller's ``immediate()`` transaction; each answer is a conditional UPDATE, so two answers at
once leave one."""

import peewee
from wtforms import SelectChoice

from webapp.audit import add_event
from webapp.db import database
from webapp.models import (
    Handover,
    Membership,
    Person,
    Plan,
    ServiceGroup,
    Transfer,
    Unit,
    utcnow,
)
from webapp.notify import notify
from webapp.participants import service as participants


class AlreadyAnswered(Exception):
    """The transfer is no longer waiting: answered (or withdrawn) by another request."""


def receiving_units(plan):
    """Choices (``unit_id``, label) of the units a log may move to: every other unit of the plan's
    municipality, with its group (one query)."""
    rows = (
        Unit.select(Unit.id, Unit.name, ServiceGroup.name)
        .join(ServiceGroup)
        .where((Unit.municipality == plan.municipality_id) & (Unit.id != plan.unit_id))
        .order_by(ServiceGroup.name, Unit.name, Unit.id)
        .tuples()
    )
    return [SelectChoice(str(uid), f"{name} ({group})") for uid, name, group in rows]


def waiting(plan):
    """The transfer waiting in ``plan``, with its receiving unit, or ``None``."""
    return (
        Transfer.select(Transfer, Unit)
        .join(Unit, on=(Transfer.to_unit == Unit.id))
        .where((Transfer.plan == plan) & (Transfer.status == Transfer.WAITING))
        .first()
    )


def history(plan):
    """The plan's answered transfers, newest first, with the units (one query)."""
    source, target = Unit.alias(), Unit.alias()
    return list(
        Transfer.select(Transfer, source, target)
        .join(source, on=(Transfer.from_unit == source.id), attr="from_unit")
        .switch(Transfer)
        .join(target, on=(Transfer.to_unit == target.id), attr="to_unit")
        .where((Transfer.plan == plan) & (Transfer.status != Transfer.WAITING))
        .order_by(Transfer.proposed_at.desc(), Transfer.id.desc())
    )


def propose(plan, to_unit_id, keeps_access, actor):
    """Propose moving ``plan`` to ``to_unit_id``; the receiving unit's leaders are told (no
    content). Returns the transfer, or ``None`` when one is waiting already (the database's
    ``transfer_one_waiting_per_plan``)."""
    try:
        with database.atomic():
            transfer = Transfer.create(
                plan=plan, from_unit=plan.unit_id, to_unit=to_unit_id, proposed_by=actor,
                old_holder_keeps_access=keeps_access, proposed_at=utcnow(),
            )
    except peewee.IntegrityError:
        return None
    add_event(plan, "transfer_proposed", actor)
    for leader in leaders_of(to_unit_id):
        notify(leader, "transfer", plan)
    return transfer


def leaders_of(unit_id):
    return list(
        Person.select()
        .join(Membership, on=(Membership.person == Person.id))
        .where((Membership.unit == unit_id) & (Membership.role == Membership.UNIT_ADMIN)
               & Person.active)
        .distinct()
    )


def receiving_employees(transfer):
    """Choices (``person_id``, name) of the receiving unit's active employees, by name: whom its
    leader may appoint stafetthaldar (one query)."""
    rows = (
        Person.select(Person.id, Person.name)
        .join(Membership, on=(Membership.person == Person.id))
        .where((Membership.unit == transfer.to_unit_id) & Person.active & Person.is_employee)
        .distinct()
        .order_by(Person.name, Person.id)
        .tuples()
    )
    return [SelectChoice(str(pid), name) for pid, name in rows]


def _answer(transfer, actor, **values):
    answered = Transfer.update(answered_by=actor, answered_at=utcnow(), **values).where(
        (Transfer.id == transfer.id) & (Transfer.status == Transfer.WAITING)
    ).execute()
    if not answered:
        raise AlreadyAnswered()


def accept(transfer, new_holder_id, actor):
    """The receiving leader accepts: the plan's unit changes (its history stays as it is), the
    appointed employee becomes the stafetthaldar and the old one stays or leaves as proposed
    (``participants.hand_over_baton``). Raises ``AlreadyAnswered`` or ``BatonMoved``."""
    _answer(transfer, actor, status=Transfer.ACCEPTED, new_holder=new_holder_id)
    plan = transfer.plan
    Plan.update(unit=transfer.to_unit_id, updated_at=utcnow()).where(
        Plan.id == plan.id).execute()
    holder = participants.stafetthaldar_of(plan)
    add_event(plan, "transfer_accepted", actor)
    if holder is not None and holder.person_id == new_holder_id:
        # The stafetthaldar moves with the child (an employee of both units): the role stays.
        holder.unit = transfer.to_unit_id
        holder.save()
        return
    participants.hand_over_baton(
        plan, holder, new_holder_id, actor, keeps_access=transfer.old_holder_keeps_access,
        wish=Handover.NOT_RECORDED, unit_id=transfer.to_unit_id, transfer=transfer,
    )


def decline(transfer, reason, actor):
    """The receiving leader declines, with a reason chosen from ``Transfer.REASONS``: nothing
    else changes. Raises ``AlreadyAnswered``."""
    _answer(transfer, actor, status=Transfer.DECLINED, decline_reason=reason)
    add_event(transfer.plan, "transfer_declined", actor, reason)


def withdraw(plan, actor):
    """Take back the proposal that waits in ``plan`` (the receiving leader has not answered).
    Returns whether there was one to take back."""
    withdrawn = Transfer.update(status=Transfer.WITHDRAWN, answered_by=actor,
                                answered_at=utcnow()).where(
        (Transfer.plan == plan) & (Transfer.status == Transfer.WAITING)
    ).execute()
    if withdrawn:
        add_event(plan, "transfer_withdrawn", actor)
    return bool(withdrawn)
