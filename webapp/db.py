"""The database: one proxy, bound at start-up to SQLite (default) or PostgreSQL.

Connections are opened in ``before_request`` and closed in ``teardown_request``.
"""

from urllib.parse import unquote, urlparse

import peewee
from playhouse.pool import PooledPostgresqlDatabase

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    # The busy timeout is set by the driver (``timeout``) before WAL is switched on.
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "cache_size": -64000,
    "secure_delete": 1,
}


def make_database(url):
    """Return a peewee database for ``url`` (``sqlite:///path`` or ``postgresql://...``)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path[1:]) if parsed.path.startswith("/") else parsed.path
        return peewee.SqliteDatabase(path or ":memory:", pragmas=SQLITE_PRAGMAS, timeout=10)
    if parsed.scheme in {"postgres", "postgresql"}:
        return PooledPostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username or "") or None,
            password=unquote(parsed.password or "") or None,
            host=parsed.hostname or None,
            port=parsed.port or 5432,
            max_connections=8,
            stale_timeout=300,
        )
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


def is_sqlite():
    return isinstance(database.obj, peewee.SqliteDatabase)


def immediate():
    """A write transaction that takes the lock at once (SQLite) — see TECH.md."""
    if is_sqlite():
        return database.atomic("IMMEDIATE")
    return database.atomic()


def init_app(app):
    database.initialize(make_database(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()
