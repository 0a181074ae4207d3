"""019: ``plan.last_event_at``, when the newest event on the plan's timeline happened (NULL
when it has none), kept from now on by ``webapp.audit.add_event`` in the event's transaction
(issue 11: the leader's worklist under 100 ms with 10,000 plans). The leader's pages and the
reports find quiet logs and sort by last activity from the plan's row; until now they sought
each plan's newest event, 10,000 seeks for a group's worklist. The plans already made get it
from their timelines. ``webapp.models.Plan``."""

import peewee as pw
from peewee_migrate import Migrator


def backfill(database):
    """Each plan's newest event (one statement; plans with none keep NULL)."""
    database.execute_sql(
        'UPDATE "plan" SET last_event_at = '
        '(SELECT MAX(e.at) FROM timeline_event e WHERE e.plan_id = "plan".id)')


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("plan", last_event_at=pw.DateTimeField(null=True))
    if not fake:
        migrator.run(backfill, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("plan", "last_event_at")
