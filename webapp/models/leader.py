"""What the leaders' duties leave behind (routine 000 "Årleg gjennomgang", routine 004
"minimum to gangar pr. år"): the reviews of a unit's logs, and the reminders already sent.

``UnitReview`` is a review marked done: which unit, who, when. The next is due a review
interval later (a year under routine 000, half a year under routine 004).
``SentReminder`` makes ``flask send-reminders`` idempotent: each reminder has a key naming
what it is about (``evaluation_soon:12:2026-12-01``); the unique key lets it be sent once.
"""

import peewee

from webapp.models.base import BaseModel, utcnow
from webapp.models.org import Person, Unit
from webapp.models.plan import Plan


class UnitReview(BaseModel):
    """A leader marked the review of a unit's stafettloggar and employees done."""

    unit = peewee.ForeignKeyField(Unit, backref="reviews", on_delete="CASCADE")
    by = peewee.ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("unit", "at"), False),)


class SentReminder(BaseModel):
    """A reminder sent by ``flask send-reminders`` (one row per key: run twice, sent once)."""

    key = peewee.CharField(max_length=120, unique=True)
    kind = peewee.CharField(max_length=30)
    person = peewee.ForeignKeyField(Person, on_delete="CASCADE")
    plan = peewee.ForeignKeyField(Plan, null=True, on_delete="CASCADE")
    unit = peewee.ForeignKeyField(Unit, null=True, on_delete="CASCADE")
    sent_at = peewee.DateTimeField(default=utcnow)
