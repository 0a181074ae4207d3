"""Messages: sending one (a message, a meeting invitation or minutes: minutes are messages made
from a template), unread messages per person for a plan (the plan menu) and for many plans (my
plans), and the limit on how many messages one person may send."""

import math
import time

from flask import current_app
from limits import parse_many
from peewee import fn

from webapp.db import Prepared, counted
from webapp.extensions import limiter
from webapp.models import Message, MessageRecipient, utcnow
from webapp.notify import notify


def send_message(plan, author, subject, body, recipients, notification="new_item", **fields):
    """Create a message from ``author`` (a person id) to ``recipients`` (people) in ``plan``:
    the author has read it, the others get a content-free ``notification`` (``None`` for none,
    as for minutes, which are written over time). Call inside the action's transaction.
    ``fields`` are the message's other columns (``kind``, ``meeting``)."""
    message = Message.create(plan=plan, author=author, subject=subject, body=body, **fields)
    others = {person.id: person for person in recipients if person.id != author}
    MessageRecipient.insert_many(
        # Every row names the same columns: insert_many takes them from the first.
        [{"message": message.id, "person": pid, "read_at": None} for pid in others]
        + [{"message": message.id, "person": author, "read_at": utcnow()}]
    ).execute()
    if notification:
        for person in others.values():
            notify(person, notification, plan)
    return message


def unread_by_plan(person, plans):
    """``{plan_id: number of unread messages}`` for ``person`` in ``plans`` (one query)."""
    ids = [plan.id for plan in plans]
    if not ids:
        return {}
    return dict(_unread_by_plan(getattr(person, "id", person), ids))


_unread_by_plan = Prepared(lambda person_id, plan_ids: (
    Message.select(Message.plan, fn.COUNT(MessageRecipient.id))
    .join(MessageRecipient, on=(MessageRecipient.message == Message.id))
    .where(Message.plan.in_(plan_ids) & (MessageRecipient.person == person_id)
           & MessageRecipient.read_at.is_null())
    .group_by(Message.plan)
    .tuples()))


def unread_count(person, plan):
    """How many messages in ``plan`` ``person`` has not read (one query; every plan page
    shows it)."""
    return _unread(getattr(plan, "id", plan), getattr(person, "id", person))[0][0]


_unread = Prepared(lambda plan_id, person_id: counted(
    MessageRecipient.select()
    .join(Message)
    .where((Message.plan == plan_id) & (MessageRecipient.person == person_id)
           & MessageRecipient.read_at.is_null())))


def take_message_allowance(person):
    """Count one message by ``person`` against ``MESSAGE_RATE_LIMIT`` (per author, in the rate
    limiter's storage, so shared by every worker). Returns 0 when it is counted; when a limit is
    reached, counts nothing and returns the seconds until one may be sent."""
    if not limiter.enabled:  # RATELIMIT_ENABLED=False, as for every other limit
        return 0
    strategy = limiter.limiter
    key = ("message-author", str(person.id))
    limits = parse_many(current_app.config["MESSAGE_RATE_LIMIT"])
    reached = [limit for limit in limits if not strategy.test(limit, *key)]
    if reached:
        reset_at = max(strategy.get_window_stats(limit, *key).reset_time for limit in reached)
        return max(1, math.ceil(reset_at - time.time()))
    for limit in limits:
        strategy.hit(limit, *key)
    return 0
