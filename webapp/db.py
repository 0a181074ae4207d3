"""The database: one proxy, bound at start-up to SQLite (default) or PostgreSQL.

Connections are taken from a pool in ``before_request`` and given back in ``teardown_request``
(on SQLite too: reopening the file costs more than most queries).
"""

from urllib.parse import unquote, urlparse

import peewee
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    # First, before WAL is switched on (TECH.md); the driver's own 5 s applies until then.
    "busy_timeout": 10_000,
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
        if not path or path == ":memory:":
            return peewee.SqliteDatabase(":memory:", pragmas=SQLITE_PRAGMAS)
        # Pooled, like PostgreSQL: a request takes an open connection and gives it back, so it
        # does not pay for opening the file, the pragmas and reading the schema again (a third
        # of an unchanged display poll's time, bench/profile_page.py). A connection moves
        # between a worker's threads, one request at a time. Unbounded: the pool grows only to
        # the number of requests served at once; a connection idle for 5 minutes is closed.
        return PooledSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False,
                                    max_connections=None, stale_timeout=300)
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


def counted(query):
    """The number of rows ``query`` finds, as a query (peewee's ``count()`` runs at once, so a
    ``Prepared`` query cannot be built from it)."""
    wrapped = query.order_by().alias("_wrapped")
    return peewee.Select([wrapped], [peewee.fn.COUNT(peewee.SQL("1"))]).tuples()


class _Slot:
    """Where a value goes in a prepared query's parameters."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


class Prepared:
    """A query whose SQL is built once per database kind and then run with new values.

    Building SQL is the costliest part of a small query in peewee: the three queries every plan
    page starts with (the session, the plan, the person's roles in it) took longer to build than
    to run (bench/profile_page.py). ``build`` gets one placeholder per value and returns the
    query; a call passes the values, already as the database stores them (``field.db_value``),
    and returns the rows as the query would (model instances, tuples...)::

        by_token = Prepared(lambda token: Session.select().where(Session.token == token))
        rows = by_token("abc")

    A value may be a list (``field.in_(ids)``): ``build`` then gets a list of as many
    placeholders, and the SQL is built once per database kind and length. Only for lists of a
    bounded length, such as the ids of one page of a list (each length is kept).
    """

    def __init__(self, build):
        self._build = build
        self._arity = build.__code__.co_argcount
        self._compiled = {}  # (database class, lengths of the list values) -> (query, sql, params)

    def _compiled_for(self, shape):
        key = (type(database.obj), shape)
        if key not in self._compiled:
            slots, used = [], 0
            for length in shape:
                if length is None:
                    slots.append(peewee.Value(_Slot(used), converter=False))
                    used += 1
                else:
                    slots.append([peewee.Value(_Slot(used + i), converter=False)
                                  for i in range(length)])
                    used += length
            query = self._build(*slots)
            sql, params = database.get_sql_context().parse(query)
            self._compiled[key] = (query, sql, params)
        return self._compiled[key]

    def __call__(self, *values):
        if len(values) != self._arity:
            raise TypeError(f"expected {self._arity} values, got {len(values)}")
        shape = tuple(len(v) if isinstance(v, (list, tuple)) else None for v in values)
        query, sql, params = self._compiled_for(shape)
        flat = []
        for value in values:
            if isinstance(value, (list, tuple)):
                flat.extend(value)
            else:
                flat.append(value)
        bound = [flat[p.index] if isinstance(p, _Slot) else p for p in params]
        return list(query._get_cursor_wrapper(database.execute_sql(sql, bound)))
