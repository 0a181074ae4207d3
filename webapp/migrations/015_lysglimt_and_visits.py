"""015: lysglimt (bright spots, SPEC §4) and when a person last visited a plan, for the
family's plan page (issue 12 items 6 and 7); ``webapp.models.Lysglimt`` and ``PlanVisit``."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Lysglimt(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(
            column_name="plan_id", field="id", model=migrator.orm["plan"], on_delete="CASCADE"
        )
        author = pw.ForeignKeyField(
            column_name="author_id", field="id", model=migrator.orm["person"]
        )
        text = pw.CharField(max_length=500)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "lysglimt"
            indexes = [(("plan", "created_at"), False)]

    @migrator.create_model
    class PlanVisit(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(
            column_name="person_id", field="id", model=migrator.orm["person"],
            on_delete="CASCADE"
        )
        plan = pw.ForeignKeyField(
            column_name="plan_id", field="id", model=migrator.orm["plan"], on_delete="CASCADE"
        )
        last_seen_at = pw.DateTimeField()
        new_since = pw.DateTimeField(null=True)

        class Meta:
            table_name = "plan_visit"
            indexes = [(("person", "plan"), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("plan_visit")
    migrator.remove_model("lysglimt")
