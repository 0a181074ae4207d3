"""Backup and restore (issue 13 item 7): ``flask backup`` and ``flask restore``.

A backup is one folder, ``stafettlogg-<UTC time>/``, holding

- ``database.sqlite3`` — a consistent copy made with SQLite's online backup API while the
  server runs (WAL), or ``database.dump`` — ``pg_dump --format=custom`` of PostgreSQL;
- ``uploads/`` — the scanned paper consents (``instance/uploads``), which the database names;
- ``manifest.json`` — when, which kind of database, and the SHA-256 of every file.

A restore checks every file against the manifest before it touches anything, then replaces the
database (SQLite's backup API in the other direction; ``pg_restore --clean --if-exists
--single-transaction``) and the uploads folder. Stop the application while restoring.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from urllib.parse import unquote, urlparse

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
UPLOADS = "uploads"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done as asked; nothing was changed."""


def _kind(url):
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgres", "postgresql"):
        return "postgresql"
    raise BackupError(f"Unsupported DATABASE_URL scheme: {scheme!r}")


def _sqlite_path(url):
    parsed = urlparse(url)
    path = unquote(parsed.path[1:]) if parsed.path.startswith("/") else parsed.path
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return path


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder):
    """Every file under ``folder``, as paths relative to it, sorted."""
    found = []
    for root, _, names in os.walk(folder):
        for name in names:
            found.append(os.path.relpath(os.path.join(root, name), folder))
    return sorted(found)


def _run(command):
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools).") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()[:500]}") from error


def backup(url, uploads_dir, out_dir, now=None):
    """Write a backup of the database at ``url`` and of ``uploads_dir`` into a new folder in
    ``out_dir``; return the folder's path."""
    kind = _kind(url)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = os.path.join(out_dir, f"stafettlogg-{stamp}")
    os.makedirs(folder, mode=0o700)
    try:
        if kind == "sqlite":
            source = sqlite3.connect(_sqlite_path(url))
            target = sqlite3.connect(os.path.join(folder, SQLITE_FILE))
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  "--file", os.path.join(folder, PG_FILE), "--dbname", url])
        if os.path.isdir(uploads_dir):
            shutil.copytree(uploads_dir, os.path.join(folder, UPLOADS))
        else:
            os.makedirs(os.path.join(folder, UPLOADS))
        manifest = {
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": kind,
            "files": {name: _sha256(os.path.join(folder, name)) for name in _files(folder)},
        }
        with open(os.path.join(folder, MANIFEST), "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2, sort_keys=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def check(folder):
    """The backup's manifest, after checking that every file it names is there unchanged and
    that nothing was added; ``BackupError`` otherwise."""
    try:
        with open(os.path.join(folder, MANIFEST), encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as error:
        raise BackupError(f"No readable {MANIFEST} in {folder}.") from error
    expected = manifest.get("files", {})
    present = [name for name in _files(folder) if name != MANIFEST]
    if sorted(expected) != present:
        raise BackupError("The backup's files differ from its manifest (missing or added).")
    for name, digest in expected.items():
        if _sha256(os.path.join(folder, name)) != digest:
            raise BackupError(f"{name} has changed since the backup was made.")
    return manifest


def restore(url, uploads_dir, folder):
    """Replace the database at ``url`` and ``uploads_dir`` with the backup in ``folder``."""
    kind = _kind(url)
    manifest = check(folder)
    if manifest.get("database") != kind:
        raise BackupError(
            f"This is a backup of {manifest.get('database')}, and DATABASE_URL is {kind}.")
    if kind == "sqlite":
        source = sqlite3.connect(os.path.join(folder, SQLITE_FILE))
        target = sqlite3.connect(_sqlite_path(url), timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--dbname", url, os.path.join(folder, PG_FILE)])
    incoming = uploads_dir.rstrip(os.sep) + ".restoring"
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(os.path.join(folder, UPLOADS), incoming)
    if os.path.isdir(uploads_dir):
        shutil.rmtree(uploads_dir)
    os.replace(incoming, uploads_dir)
    return manifest
