"""011: the leaders' review and reminders (issue 11, items 4-7; SPEC §3.9, §4).

- ``unit_review``: a review of a unit's logs marked done (unit, who, when);
- ``sent_reminder``: the reminders ``flask send-reminders`` has sent, one per unique key, so a
  second run sends nothing twice;
- ``person.last_login_at``: the latest login, for "employees who have not logged in for months".

A plan's last activity (its newest timeline event) is one index seek on
``timeline_event(plan_id, at)``, which migration 012 (the reports) creates.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("person", last_login_at=pw.DateTimeField(null=True))

    @migrator.create_model
    class UnitReview(pw.Model):
        id = pw.AutoField()
        unit = pw.ForeignKeyField(column_name="unit_id", field="id", model=migrator.orm["unit"],
                                  on_delete="CASCADE", backref="+")
        by = pw.ForeignKeyField(column_name="by_id", field="id", model=migrator.orm["person"],
                                null=True, on_delete="SET NULL", backref="+")
        at = pw.DateTimeField()

        class Meta:
            table_name = "unit_review"
            indexes = ((("unit", "at"), False),)

    @migrator.create_model
    class SentReminder(pw.Model):
        id = pw.AutoField()
        key = pw.CharField(max_length=120, unique=True)
        kind = pw.CharField(max_length=30)
        person = pw.ForeignKeyField(column_name="person_id", field="id",
                                    model=migrator.orm["person"], on_delete="CASCADE",
                                    backref="+")
        plan = pw.ForeignKeyField(column_name="plan_id", field="id", model=migrator.orm["plan"],
                                  null=True, on_delete="CASCADE", backref="+")
        unit = pw.ForeignKeyField(column_name="unit_id", field="id", model=migrator.orm["unit"],
                                  null=True, on_delete="CASCADE", backref="+")
        sent_at = pw.DateTimeField()

        class Meta:
            table_name = "sent_reminder"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("sent_reminder")
    migrator.remove_model("unit_review")
    migrator.remove_fields("person", "last_login_at")
