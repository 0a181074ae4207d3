"""The base model and small shared field helpers."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import peewee

from webapp.db import database

OSLO = ZoneInfo("Europe/Oslo")


def utcnow():
    """Naive UTC timestamp: SQLite and PostgreSQL store it the same way."""
    return datetime.now(UTC).replace(tzinfo=None)


def oslo_today():
    """Today's date in Norway (a date the user writes, as a meeting's or a deadline, is one)."""
    return datetime.now(OSLO).date()


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


def choices(*pairs):
    """Choice tuples for a field; the labels are translated where they are shown."""
    return tuple(pairs)
