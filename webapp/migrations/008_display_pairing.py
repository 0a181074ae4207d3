"""008: a meeting-room display paired to one meeting with a short code (SPEC §1, issue 10
item 11); ``webapp.models.DisplayPairing``."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class DisplayPairing(pw.Model):
        id = pw.AutoField()
        meeting = pw.ForeignKeyField(
            column_name="meeting_id", field="id", model=migrator.orm["meeting"],
            on_delete="CASCADE"
        )
        paired_by = pw.ForeignKeyField(
            column_name="paired_by_id", field="id", model=migrator.orm["person"],
            on_delete="CASCADE"
        )
        code_hash = pw.CharField(max_length=64, index=True)
        created_at = pw.DateTimeField()
        code_expires_at = pw.DateTimeField()
        paired_at = pw.DateTimeField(null=True)
        day = pw.DateField(null=True)
        token_hash = pw.CharField(max_length=64, null=True, unique=True)
        ended_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "display_pairing"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("display_pairing")
