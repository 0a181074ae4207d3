"""005: why a log was closed and when, when it was deleted (SPEC §3.7), and the stored archive
PDFs with their SHA-256, size and time."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "plan",
        closed_reason=pw.CharField(max_length=20, null=True),
        closed_at=pw.DateTimeField(null=True),
        deleted_at=pw.DateTimeField(null=True),
    )

    @migrator.create_model
    class PlanArchive(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(
            column_name="plan_id", field="id", model=migrator.orm["plan"], on_delete="CASCADE"
        )
        file_name = pw.CharField(max_length=100)
        sha256 = pw.CharField(max_length=64)
        size = pw.IntegerField()
        created_at = pw.DateTimeField()
        created_by = pw.ForeignKeyField(
            column_name="created_by_id", field="id", model=migrator.orm["person"], null=True,
            on_delete="SET NULL",
        )
        file_deleted_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "plan_archive"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("plan_archive")
    migrator.remove_fields("plan", "closed_reason", "closed_at", "deleted_at")
