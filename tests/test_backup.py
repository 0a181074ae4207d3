"""Backup and restore (issue 13 item 7): `flask backup` and `flask restore` round-trip every
table and the uploaded scans, on SQLite (online backup API) and PostgreSQL (pg_dump and
pg_restore); a damaged or foreign backup is refused before anything is touched."""

import json
import os
import shutil

import pytest

from webapp import backup as backup_module
from webapp.db import database
from webapp.demo import load_demo
from webapp.models import Goal, Person


def _snapshot():
    """Every row of every table, as text, sorted: what "the same database" means here."""
    tables = {}
    for name in sorted(database.get_tables()):
        cursor = database.execute_sql(f'SELECT * FROM "{name}"')
        tables[name] = sorted(tuple(str(value) for value in row) for row in cursor.fetchall())
    return tables


@pytest.fixture
def uploads(app):
    path = os.path.join(app.instance_path, "uploads")
    saved = path + ".saved-by-test"
    if os.path.isdir(path):
        os.replace(path, saved)
    os.makedirs(path)
    yield path
    shutil.rmtree(path, ignore_errors=True)
    if os.path.isdir(saved):
        os.replace(saved, path)


def _backup(app, out):
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    [folder] = [os.path.join(out, name) for name in os.listdir(out)]
    assert folder in result.output
    return folder


def test_a_backup_restores_every_table_and_the_uploads(app, uploads, tmp_path):
    load_demo()
    with open(os.path.join(uploads, "scan.pdf"), "wb") as f:
        f.write(b"%PDF-1.4 fictional scan")
    before = _snapshot()
    assert sum(len(rows) for rows in before.values()) > 100
    folder = _backup(app, tmp_path / "backups")
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    assert manifest["database"] in ("sqlite", "postgresql")
    assert "uploads/scan.pdf" in manifest["files"]

    # Afterwards: a goal edited, a person added, rows deleted, the scan lost.
    Goal.update(title="Changed after the backup").execute()
    Person.create(name="Added after the backup", is_employee=False)
    database.execute_sql('DELETE FROM "audit_record"')
    os.remove(os.path.join(uploads, "scan.pdf"))
    assert _snapshot() != before

    result = app.test_cli_runner().invoke(args=["restore", folder, "--yes"])
    assert result.exit_code == 0, result.output
    database.connect(reuse_if_open=True)
    assert _snapshot() == before
    with open(os.path.join(uploads, "scan.pdf"), "rb") as f:
        assert f.read() == b"%PDF-1.4 fictional scan"
    assert not os.path.exists(uploads + ".restoring")


def test_restore_asks_first_and_refuses_a_damaged_backup(app, uploads, tmp_path):
    load_demo()
    folder = _backup(app, tmp_path)
    before = _snapshot()
    runner = app.test_cli_runner()
    asked = runner.invoke(args=["restore", folder], input="n\n")
    assert asked.exit_code != 0 and "Replace the database" in asked.output

    database_file = next(name for name in os.listdir(folder) if name.startswith("database."))
    with open(os.path.join(folder, database_file), "ab") as f:
        f.write(b"tampered")
    refused = runner.invoke(args=["restore", folder, "--yes"])
    assert refused.exit_code != 0
    assert f"{database_file} has changed since the backup was made." in refused.output
    database.connect(reuse_if_open=True)
    assert _snapshot() == before  # nothing touched


def test_a_backup_of_the_other_kind_of_database_is_refused(app, uploads, tmp_path):
    folder = _backup(app, tmp_path)
    path = os.path.join(folder, "manifest.json")
    manifest = json.load(open(path))
    manifest["database"] = "postgresql" if manifest["database"] == "sqlite" else "sqlite"
    json.dump(manifest, open(path, "w"))
    with pytest.raises(backup_module.BackupError, match="This is a backup of"):
        backup_module.restore(app.config["DATABASE_URL"], uploads, folder)
