"""018: one index on ``plan`` that the leader's pages and the reports read instead of the plans
themselves (issue 11, under 100 ms with 10,000 plans): ``(unit_id, status, bti_level,
next_evaluation, created_at, closed_at, archived_at, id)``. The reports' counts per unit, status
and level are grouped in its order, their days on each level find the scope's plans in it, and
the overview's count and its default page (by next evaluation) read it alone; a plan's row, with
its overview text, is no longer read for each of the scope's plans. ``webapp.models.Plan``."""

import peewee as pw
from peewee_migrate import Migrator

INDEX = "plan_scope"
COLUMNS = ("unit_id", "status", "bti_level", "next_evaluation", "created_at", "closed_at",
           "archived_at", "id")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    columns = ", ".join(f'"{column}"' for column in COLUMNS)
    migrator.sql(f'CREATE INDEX "{INDEX}" ON "plan" ({columns})')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(f'DROP INDEX "{INDEX}"')
