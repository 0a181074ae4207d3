"""The audit trail of plan content use (SPEC §4, §5) and the plan's timeline (SPEC §3.8).

Every plan has its own hash chain of audit entries (``AuditEntry``): an entry's hash covers the
one before it, and the chain's head (``AuditChain``) is the row an append locks. Two plans'
reads never wait for each other; one plan's chain stays linear: on PostgreSQL the head row is
locked (``SELECT ... FOR UPDATE``) for the append, on SQLite the write transaction
(``BEGIN IMMEDIATE``) holds the database's one write lock. ``webapp.auditchain`` verifies the
chains and signs checkpoints of their heads.
"""

from webapp.db import immediate
from webapp.models import AuditChain, AuditEntry, TimelineEvent, utcnow

GENESIS = "0" * 64
READ, WRITE = "read", "write"


def _lock_head(plan_id):
    """The chain's head ``(seq, hash)``, locked until the transaction ends: one upsert that
    makes the head on the plan's first entry and otherwise touches it, so the statement count
    is the same for the first entry and the thousandth. On PostgreSQL ``ON CONFLICT DO UPDATE``
    locks the row and returns its newest committed version, so a second appender waits and then
    sees the first one's entry; on SQLite the write transaction already holds the lock."""
    query = (
        AuditChain.insert(plan_id=plan_id, seq=0, hash=GENESIS, anchored_seq=0)
        .on_conflict(conflict_target=[AuditChain.plan_id],
                     update={AuditChain.seq: AuditChain.seq})
        .returning(AuditChain.seq, AuditChain.hash)
        .tuples()
    )
    return next(iter(query.execute()))


def append(plan_id, actor_id, action, section):
    """Append one entry to plan ``plan_id``'s chain, in the caller's transaction if there is
    one (a write and its audit entry commit together), else in its own."""
    with immediate():
        seq, prev_hash = _lock_head(plan_id)
        entry = AuditEntry(
            plan_id=plan_id, seq=seq + 1, at=utcnow(), actor_id=actor_id,
            action=action, section=(section or "")[:40], prev_hash=prev_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        AuditChain.update(seq=entry.seq, hash=entry.hash).where(
            AuditChain.plan_id == plan_id).execute()
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
    with the change when the caller holds its transaction (as the services do)."""
    with immediate():
        event = TimelineEvent.create(plan=plan, kind=kind, actor=actor, detail=detail,
                                     at=utcnow())
        record_write(plan, actor, kind)
    return event
