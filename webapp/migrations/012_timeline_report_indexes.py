"""012: two indexes on the timeline for the reports (issue 11 item 8): ``(plan_id, kind)`` finds
a plan's level changes, ``(plan_id, at)`` whether a log has had an entry lately (quiet logs),
without reading every event of every plan. ``webapp.models.TimelineEvent``."""

import peewee as pw
from peewee_migrate import Migrator

INDEXES = {
    "timeline_event_plan_id_kind": ("plan_id", "kind"),
    "timeline_event_plan_id_at": ("plan_id", "at"),
}


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    for name, columns in INDEXES.items():
        migrator.sql(f'CREATE INDEX "{name}" ON "timeline_event" '
                     f'({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)})')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for name in INDEXES:
        migrator.sql(f'DROP INDEX "{name}"')
