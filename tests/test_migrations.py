"""Schema migrations (webapp/migrations, ``flask db upgrade``): on an empty SQLite database they
build exactly the schema of the models, and a second upgrade changes nothing."""

import contextlib

import peewee
import pytest

from webapp import cli
from webapp.db import SQLITE_PRAGMAS, database
from webapp.models import MODELS


@contextlib.contextmanager
def _bound_to(db):
    """Point the app's database proxy at ``db`` for a while (the commands use the proxy)."""
    saved = database.obj
    database.initialize(db)
    try:
        yield db
    finally:
        if not db.is_closed():
            db.close()
        database.initialize(saved)


@pytest.fixture
def empty_db(tmp_path):
    return peewee.SqliteDatabase(str(tmp_path / "empty.sqlite3"), pragmas=SQLITE_PRAGMAS)


def _schema(db, table):
    """What the database says about ``table``: columns, foreign keys and indexes."""
    columns = {c.name: c.null for c in db.get_columns(table)}
    foreign_keys = {(fk.column, fk.dest_table, fk.dest_column) for fk in db.get_foreign_keys(table)}
    indexes = {(tuple(i.columns), i.unique) for i in db.get_indexes(table)}
    return columns, foreign_keys, indexes


def _model_schema(model):
    """What the model says: its columns with their nullability, its foreign keys, and the
    indexes it declares (on a field, or in ``Meta.indexes``)."""
    fields = model._meta.sorted_fields
    columns = {f.column_name: f.null for f in fields}
    foreign_keys = {
        (f.column_name, f.rel_model._meta.table_name, f.rel_field.column_name)
        for f in fields if isinstance(f, peewee.ForeignKeyField)
    }
    indexes = {((f.column_name,), bool(f.unique)) for f in fields if f.unique or f.index}
    for index in model._meta.indexes:
        if isinstance(index, peewee.ModelIndex):  # a named (partial) index: Model.add_index
            indexes.add((tuple(f.column_name for f in index._expressions), index._unique))
            continue
        names, unique = index
        indexes.add((tuple(model._meta.fields[name].column_name for name in names), unique))
    return columns, foreign_keys, indexes


def _partial_indexes(db, table):
    """``{name: sql}`` of ``table``'s indexes with a WHERE clause (SQLite keeps their SQL)."""
    return {i.name: i.sql for i in db.get_indexes(table) if "WHERE" in (i.sql or "").upper()}


def _differences(db):
    problems = []
    # SQLite's own tables (``sqlite_stat1``: the statistics ``cli.analyze`` makes) aside.
    tables = {t for t in db.get_tables() if not t.startswith("sqlite_")} - {"migratehistory"}
    expected = {model._meta.table_name for model in MODELS}
    problems += [f"table {t} is in no model" for t in sorted(tables - expected)]
    problems += [f"table {t} is not made by the migrations" for t in sorted(expected - tables)]
    for model in MODELS:
        table = model._meta.table_name
        if table not in tables:
            continue
        columns, foreign_keys, indexes = _schema(db, table)
        want_columns, want_keys, want_indexes = _model_schema(model)
        for name in sorted(set(columns) ^ set(want_columns)):
            where = "the database" if name in columns else "the model"
            problems.append(f"{table}.{name}: only in {where}")
        for name in sorted(set(columns) & set(want_columns)):
            if columns[name] != want_columns[name]:
                problems.append(f"{table}.{name}: null={columns[name]}, the model says "
                                f"null={want_columns[name]}")
        problems += [f"{table}: foreign key {key} differs" for key in foreign_keys ^ want_keys]
        problems += [f"{table}: index {index} missing" for index in want_indexes - indexes]
    return problems


def test_upgrade_on_an_empty_database_builds_the_models_schema(empty_db):
    with _bound_to(empty_db):
        cli.upgrade()
    empty_db.connect()
    assert _differences(empty_db) == []
    empty_db.close()


def test_the_upgrade_makes_one_owner_per_plan_a_partial_index(empty_db):
    """The index is partial: many guardians per plan, one plan owner."""
    with _bound_to(empty_db):
        cli.upgrade()
    empty_db.connect()
    sql = _partial_indexes(empty_db, "participant")["participant_one_owner_per_plan"]
    assert "owner" in sql and "plan_id" in sql
    empty_db.close()


def test_migration_003_keeps_one_owner_of_a_plan_that_had_two(empty_db):
    """Plans made before the constraint may hold the plan owner twice: the upgrade keeps the
    active one (what named the other now names it) and can then add the index."""
    with _bound_to(empty_db):
        empty_db.connect()
        cli.router().run("002_wizard_draft")
        run = empty_db.execute_sql
        run("INSERT INTO municipality (id, name, number, establishment, youth_consent_age) "
            "VALUES (1, 'M', '0001', 'direct', 15)")
        run("INSERT INTO service_group (id, municipality_id, name, kind) VALUES (1, 1, 'G', 'k')")
        run("INSERT INTO unit (id, group_id, municipality_id, name) VALUES (1, 1, 1, 'U')")
        for pid in (1, 2, 3, 4):
            run("INSERT INTO person (id, name, is_employee, active, created_at) "
                f"VALUES ({pid}, 'P{pid}', 0, 1, '2026-01-01')")
        run("INSERT INTO plan (id, municipality_id, unit_id, owner_name, owner_national_id, "
            "owner_birth_date, owner_is_pregnant, owner_logs_in, status, bti_level, overview, "
            "overview_version, created_by_id, created_at, updated_at) VALUES (1, 1, 1, 'Ung', "
            "'01010912345', '2009-01-01', 0, 1, 'draft', 1, '', 0, 1, '2026-01-01', "
            "'2026-01-01')")
        rows = [(10, 1, "stafetthaldar", "active"), (11, 2, "owner", "invited"),
                (12, 3, "owner", "active"), (13, 4, "guardian", "invited")]
        for rid, person, role, status in rows:
            run("INSERT INTO participant (id, plan_id, person_id, role, status, "
                "shares_parental_responsibility, invited_at) "
                f"VALUES ({rid}, 1, {person}, '{role}', '{status}', 1, '2026-01-01')")
        run("INSERT INTO goal (id, plan_id, title, description, position, reached, "
            "created_by_id, created_at, version) VALUES (1, 1, 'Mål', '', 0, 0, 1, "
            "'2026-01-01', 1)")
        run("INSERT INTO activity (id, goal_id, title, \"when\", responsible_id, place, "
            "description, created_at, version) VALUES (1, 1, 'Tiltak', '', 11, 'home', '', "
            "'2026-01-01', 1)")
        empty_db.close()
        cli.upgrade()
    empty_db.connect()
    owners = empty_db.execute_sql(
        "SELECT id FROM participant WHERE role = 'owner'").fetchall()
    assert owners == [(12,)]  # the active one
    assert empty_db.execute_sql("SELECT responsible_id FROM activity").fetchall() == [(12,)]
    assert empty_db.execute_sql("SELECT count(*) FROM participant").fetchone() == (3,)
    assert empty_db.execute_sql("SELECT count(*) FROM person").fetchone() == (4,)
    with pytest.raises(peewee.IntegrityError):
        run("INSERT INTO participant (id, plan_id, person_id, role, status, "
            "shares_parental_responsibility, invited_at) "
            "VALUES (14, 1, 2, 'owner', 'invited', 1, '2026-01-01')")
    empty_db.close()


def test_migration_017_makes_the_level_stays_of_older_plans_from_their_timelines(empty_db):
    """A plan that changed level gets a stay from its creation on level 1 and one from each
    change, the last left open; a plan with no change has been on its level since it was
    created; a deleted plan gets none."""
    with _bound_to(empty_db):
        empty_db.connect()
        cli.router().run("002_wizard_draft")
        run = empty_db.execute_sql
        run("INSERT INTO municipality (id, name, number, establishment, youth_consent_age) "
            "VALUES (1, 'M', '0001', 'direct', 15)")
        run("INSERT INTO service_group (id, municipality_id, name, kind) VALUES (1, 1, 'G', 'k')")
        run("INSERT INTO unit (id, group_id, municipality_id, name) VALUES (1, 1, 1, 'U')")
        run("INSERT INTO person (id, name, is_employee, active, created_at) "
            "VALUES (1, 'P', 1, 1, '2026-01-01')")
        for pid, status, level in ((1, "active", 3), (2, "active", 2), (3, "deleted", 2)):
            run("INSERT INTO plan (id, municipality_id, unit_id, owner_name, owner_national_id, "
                "owner_birth_date, owner_is_pregnant, owner_logs_in, status, bti_level, "
                "overview, overview_version, created_by_id, created_at, updated_at) VALUES "
                f"({pid}, 1, 1, 'Barn', '0101091234{pid}', '2009-01-01', 0, 0, '{status}', "
                f"{level}, '', 0, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        events = [(1, "level_changed", "level_3", "2026-02-10 00:00:00"),
                  (1, "goal_added", "", "2026-01-20 00:00:00"),
                  (1, "level_changed", "level_2", "2026-01-11 00:00:00"),
                  (2, "goal_added", "", "2026-01-05 00:00:00")]
        for plan_id, kind, detail, at in events:
            run("INSERT INTO timeline_event (plan_id, at, kind, detail) "
                f"VALUES ({plan_id}, '{at}', '{kind}', '{detail}')")
        empty_db.close()
        cli.upgrade()
    empty_db.connect()
    stays = empty_db.execute_sql("SELECT plan_id, level, started_at, ended_at FROM level_stay "
                                 "ORDER BY plan_id, started_at").fetchall()
    assert stays == [
        (1, 1, "2026-01-01 00:00:00", "2026-01-11 00:00:00"),
        (1, 2, "2026-01-11 00:00:00", "2026-02-10 00:00:00"),
        (1, 3, "2026-02-10 00:00:00", None),
        (2, 2, "2026-01-01 00:00:00", None),
    ]
    empty_db.close()


def test_migration_019_gives_each_plan_its_newest_events_time(empty_db):
    """A plan with events gets the time of its newest; a plan with none keeps NULL (its last
    activity is its creation)."""
    with _bound_to(empty_db):
        empty_db.connect()
        cli.router().run("018_plan_scope_index")
        run = empty_db.execute_sql
        run("INSERT INTO municipality (id, name, number, establishment, youth_consent_age) "
            "VALUES (1, 'M', '0001', 'direct', 15)")
        run("INSERT INTO service_group (id, municipality_id, name, kind) VALUES (1, 1, 'G', 'k')")
        run("INSERT INTO unit (id, group_id, municipality_id, name) VALUES (1, 1, 1, 'U')")
        run("INSERT INTO person (id, name, is_employee, active, created_at) "
            "VALUES (1, 'P', 1, 1, '2026-01-01')")
        for pid in (1, 2):
            run("INSERT INTO plan (id, municipality_id, unit_id, owner_name, owner_national_id, "
                "owner_birth_date, owner_is_pregnant, owner_logs_in, status, bti_level, "
                "overview, overview_version, created_by_id, created_at, updated_at) VALUES "
                f"({pid}, 1, 1, 'Barn', '0101091234{pid}', '2009-01-01', 0, 0, 'active', 1, "
                "'', 0, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        for at in ("2026-03-02 10:00:00", "2026-05-17 08:30:00", "2026-04-01 00:00:00"):
            run(f"INSERT INTO timeline_event (plan_id, at, kind, detail) "
                f"VALUES (1, '{at}', 'goal_added', '')")
        empty_db.close()
        cli.upgrade()
    empty_db.connect()
    rows = empty_db.execute_sql("SELECT id, last_event_at FROM plan ORDER BY id").fetchall()
    assert rows == [(1, "2026-05-17 08:30:00"), (2, None)]
    empty_db.close()


def test_the_upgrade_and_db_analyze_give_the_query_planner_statistics(app, empty_db):
    """SQLite keeps no statistics unless asked (``ANALYZE``): the upgrade makes them, and
    ``flask db analyze`` (nightly from cron) refreshes them."""
    with _bound_to(empty_db):
        cli.upgrade()
        empty_db.connect()
        assert "sqlite_stat1" in empty_db.get_tables()
        empty_db.execute_sql("DROP TABLE sqlite_stat1")
        empty_db.close()
        result = app.test_cli_runner().invoke(args=["db", "analyze"])
        assert result.exit_code == 0, result.output
    empty_db.connect()
    assert "sqlite_stat1" in empty_db.get_tables()
    empty_db.close()


def test_a_second_upgrade_is_a_no_op(empty_db):
    with _bound_to(empty_db):
        cli.upgrade()
        empty_db.connect()
        before = {table: _schema(empty_db, table) for table in empty_db.get_tables()}
        applied = empty_db.execute_sql("SELECT count(*) FROM migratehistory").fetchone()[0]
        empty_db.close()
        database.connect()
        assert cli.router().run() == []  # nothing left to apply
        database.close()
        cli.upgrade()
        empty_db.connect()
        assert {table: _schema(empty_db, table) for table in empty_db.get_tables()} == before
        count = empty_db.execute_sql("SELECT count(*) FROM migratehistory").fetchone()[0]
        assert count == applied
        empty_db.close()


def test_flask_db_upgrade_command(app, empty_db):
    runner = app.test_cli_runner()
    with _bound_to(empty_db):
        first = runner.invoke(args=["db", "upgrade"])
        second = runner.invoke(args=["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "up to date" in second.output
    empty_db.connect()
    assert "wizard_draft" in empty_db.get_tables()
    empty_db.close()


def test_migration_files_are_numbered_in_order():
    import os

    names = sorted(n for n in os.listdir(cli.MIGRATIONS) if n[:3].isdigit() and n.endswith(".py"))
    numbers = [int(name[:3]) for name in names]
    assert numbers == list(range(1, len(numbers) + 1)), names
