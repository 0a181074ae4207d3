"""004: when a person was last notified of new items or a meeting in a plan (webapp/notify.py
queues at most one such notification within NOTIFY_WINDOW_MINUTES)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class NotificationThrottle(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(
            column_name="person_id", field="id", model=migrator.orm["person"], on_delete="CASCADE"
        )
        plan = pw.ForeignKeyField(
            column_name="plan_id", field="id", model=migrator.orm["plan"], on_delete="CASCADE"
        )
        kind = pw.CharField(max_length=20)
        notified_at = pw.DateTimeField()

        class Meta:
            table_name = "notification_throttle"
            indexes = [(("person", "plan", "kind"), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("notification_throttle")
