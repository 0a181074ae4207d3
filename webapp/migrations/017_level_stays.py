"""017: ``level_stay``, a plan's stays on each BTI level (issue 11, the reports' average days on
each level), so the report sums stays over an index instead of working them out of every
``level_changed`` event with a window query. ``webapp.models.LevelStay``.

The stays of the plans already made are made from their timelines, by the rule the report used
until now: a plan starts on level 1 when it is created, and each ``level_changed`` event (detail
``level_N``) starts a stay on level N that ends at the next one; a plan with no change on its
timeline has been on its present level since it was created (plans made before levels were
recorded). Deleted plans have no timeline left and get no stays. The current stay is left open
(``ended_at`` NULL): the report ends it with the plan (closed or archived) or now. Works on SQLite
(3.25 or newer: window functions) and PostgreSQL. Rolling back drops the table.
"""

import peewee as pw
from peewee_migrate import Migrator


def backfill(database):
    """Insert the stays of every plan not deleted, from its timeline (one statement)."""
    param = database.param
    database.execute_sql(f"""
        INSERT INTO level_stay (plan_id, level, started_at, ended_at)
        WITH starts AS (
            SELECT p.id AS plan_id,
                   CASE WHEN EXISTS (SELECT 1 FROM timeline_event c
                                     WHERE c.plan_id = p.id AND c.kind = {param})
                        THEN 1 ELSE p.bti_level END AS level,
                   p.created_at AS started, 0 AS event_id
            FROM "plan" p
            WHERE p.status <> {param}
            UNION ALL
            SELECT p.id, CAST(SUBSTR(c.detail, 7) AS INTEGER), c.at, c.id
            FROM "plan" p JOIN timeline_event c ON c.plan_id = p.id AND c.kind = {param}
            WHERE p.status <> {param} AND c.detail LIKE {param} ESCAPE '\\'
        )
        SELECT plan_id, level, started,
               LEAD(started) OVER (PARTITION BY plan_id ORDER BY started, event_id)
        FROM starts
    """, ["level_changed", "deleted", "level_changed", "deleted", "level\\_%"])  # noqa: S608


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class LevelStay(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(
            column_name="plan_id", field="id", model=migrator.orm["plan"], on_delete="CASCADE")
        level = pw.SmallIntegerField()
        started_at = pw.DateTimeField()
        ended_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "level_stay"
            indexes = [(("plan", "started_at", "ended_at", "level"), False)]

    if not fake:
        migrator.run(backfill, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("level_stay")
