"""The base model and small shared field helpers."""

from datetime import UTC, datetime

import peewee

from webapp.db import database


def utcnow():
    """Naive UTC timestamp: SQLite and PostgreSQL store it the same way."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


def choices(*pairs):
    """Choice tuples for a field; the labels are translated where they are shown."""
    return tuple(pairs)
