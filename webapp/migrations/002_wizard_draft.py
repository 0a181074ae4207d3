"""002: the create-plan wizard's drafts, kept on the server."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class WizardDraft(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(
            column_name="person_id", field="id", model=migrator.orm["person"], on_delete="CASCADE"
        )
        data = pw.TextField(default="{}")
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "wizard_draft"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("wizard_draft")
