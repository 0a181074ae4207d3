"""Unread messages per person: for a plan (the plan menu) and for many plans (my plans)."""

from peewee import fn

from webapp.models import Message, MessageRecipient


def unread_by_plan(person, plans):
    """``{plan_id: number of unread messages}`` for ``person`` in ``plans`` (one query)."""
    ids = [plan.id for plan in plans]
    if not ids:
        return {}
    rows = (
        Message.select(Message.plan, fn.COUNT(MessageRecipient.id))
        .join(MessageRecipient, on=(MessageRecipient.message == Message.id))
        .where(Message.plan.in_(ids) & (MessageRecipient.person == person)
               & MessageRecipient.read_at.is_null())
        .group_by(Message.plan)
        .tuples()
    )
    return dict(rows)


def unread_count(person, plan):
    """How many messages in ``plan`` ``person`` has not read (one query)."""
    return (
        MessageRecipient.select()
        .join(Message)
        .where((Message.plan == plan) & (MessageRecipient.person == person)
               & MessageRecipient.read_at.is_null())
        .count()
    )
