"""016: an outbox message that failed ``OUTBOX_MAX_ATTEMPTS`` times is set aside (issue 13
item 8); ``webapp.models.OutboxMessage.dead_at``."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("outbox_message", dead_at=pw.DateTimeField(null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("outbox_message", "dead_at")
