"""The audit trail of plan content use (SPEC §4, §5) and the plan's timeline (SPEC §3.8).

Every plan has its own hash chain of audit entries (``AuditEntry``): an entry's hash covers the
one before it, and the chain's head (``AuditChain``) is the row an append locks. Two plans'
reads never wait for each other; one plan's chain stays linear: on PostgreSQL the head row is
locked by the upsert that reads it (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``) until
the append commits, on SQLite the write transaction (``BEGIN IMMEDIATE``) holds the database's
one write lock. A unique index on (plan, position) refuses a fork even if a lock were missed.
``webapp.auditchain`` verifies the chains and signs checkpoints of their heads.
"""

from webapp.db import database, immediate
from webapp.models import AuditEntry, Plan, TimelineEvent, utcnow

GENESIS = "0" * 64
READ, WRITE = "read", "write"


def _statements():
    """The three statements of an append, written once per database kind: an append runs
    under the chain's lock, so it spends no time there building queries."""
    p = database.param  # only the placeholder (? or %s) is formatted into the SQL
    return (
        # The head, locked until the transaction ends: an upsert that makes it on the plan's
        # first entry and otherwise touches it, so the first entry and the thousandth cost the
        # same. On PostgreSQL ``ON CONFLICT DO UPDATE`` locks the row and returns its newest
        # committed version, so a second appender waits and then sees the first one's entry;
        # on SQLite the write transaction already holds the lock.
        f"INSERT INTO audit_chain (plan_id, seq, hash, anchored_seq) VALUES ({p}, 0, {p}, 0) "  # noqa: S608
        "ON CONFLICT (plan_id) DO UPDATE SET seq = audit_chain.seq RETURNING seq, hash",
        f"INSERT INTO audit_record (plan_id, seq, at, actor_id, action, section, prev_hash, "  # noqa: S608
        f"hash) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}) RETURNING id",
        f"UPDATE audit_chain SET seq = {p}, hash = {p} WHERE plan_id = {p}",  # noqa: S608
    )


_SQL = {}


def append(plan_id, actor_id, action, section):
    """Append one entry to plan ``plan_id``'s chain, in the caller's transaction if there is
    one (a write and its audit entry commit together), else in its own."""
    kind = type(database.obj)
    if kind not in _SQL:
        _SQL[kind] = _statements()
    lock, insert, update = _SQL[kind]
    entry = AuditEntry(plan_id=plan_id, at=utcnow(), actor_id=actor_id, action=action,
                       section=(section or "")[:40])
    at = AuditEntry.at.db_value(entry.at)
    with immediate():
        entry.seq, entry.prev_hash = database.execute_sql(lock, (plan_id, GENESIS)).fetchone()
        entry.seq += 1
        entry.hash = entry.compute_hash()
        entry.id = database.execute_sql(insert, (
            plan_id, entry.seq, at, actor_id, action, entry.section, entry.prev_hash,
            entry.hash)).fetchone()[0]
        database.execute_sql(update, (entry.seq, entry.hash, plan_id))
    return entry


def _id(thing):
    return thing if thing is None or isinstance(thing, int) else thing.id


def record_access(person, plan, section, method="GET"):
    """Write who read (or wrote) which section of which plan, and when."""
    action = READ if method in ("GET", "HEAD") else WRITE
    return append(_id(plan), _id(person), action, section)


def record_write(plan, actor, what):
    """A write of the plan's content (``what``: ``overview``, ``goal 12``, ``minutes 40``...),
    by ``actor`` (a person or an id): call it inside the write's transaction."""
    return append(_id(plan), _id(actor), WRITE, what)


def add_event(plan, kind, actor=None, detail=""):
    """Add an event to the plan's timeline; ``detail`` is a short code, never free text. Every
    event is a change to the plan, so it is also a write in the plan's audit chain, committed
    with the change when the caller holds its transaction (as the services do), as is the
    plan's ``last_event_at``."""
    with immediate():
        event = TimelineEvent.create(plan=plan, kind=kind, actor=actor, detail=detail,
                                     at=utcnow())
        Plan.update(last_event_at=event.at).where(Plan.id == _id(plan)).execute()
        record_write(plan, actor, kind)
    return event
