"""006: when the outcome of an evaluation meeting was recorded, and by whom (SPEC §3.3.2: the
outcome, its date and who recorded it are on the timeline and kept with the meeting)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "meeting",
        outcome_at=pw.DateTimeField(null=True),
        outcome_by=pw.ForeignKeyField(
            column_name="outcome_by_id", field="id", model=migrator.orm["person"], null=True,
            on_delete="SET NULL",
        ),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("meeting", "outcome_at", "outcome_by")
