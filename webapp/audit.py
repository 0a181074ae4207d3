"""The audit trail of plan content use (SPEC §5) and the plan's timeline (SPEC §3.8).

Audit entries form a hash chain: each entry's hash covers the one before it, so an entry
removed or changed afterwards shows up in ``verify_chain``.
"""

from webapp.db import database, immediate, is_sqlite
from webapp.models import AuditEntry, TimelineEvent, utcnow

GENESIS = "0" * 64


def record_access(person, plan, section, method="GET"):
    """Write who read (or wrote) which section of which plan, and when."""
    action = "read" if method in ("GET", "HEAD") else "write"
    with immediate():
        last = AuditEntry.select(AuditEntry.hash).order_by(AuditEntry.id.desc())
        if not is_sqlite():
            # One writer at a time extends the chain.
            database.execute_sql("SELECT pg_advisory_xact_lock(4242)")
        last = last.first()
        entry = AuditEntry(
            at=utcnow(),
            actor=person.id if person is not None else None,
            plan=plan.id,
            action=action,
            section=(section or "")[:40],
            prev_hash=last.hash if last else GENESIS,
        )
        entry.hash = entry.compute_hash()
        entry.save()
    return entry


def verify_chain():
    """Return the id of the first entry whose hash does not match, or ``None`` if intact."""
    previous = GENESIS
    for entry in AuditEntry.select().order_by(AuditEntry.id):
        if entry.prev_hash != previous or entry.compute_hash() != entry.hash:
            return entry.id
        previous = entry.hash
    return None


def add_event(plan, kind, actor=None, detail=""):
    """Add an event to the plan's timeline; ``detail`` is a short code, never free text."""
    return TimelineEvent.create(plan=plan, kind=kind, actor=actor, detail=detail, at=utcnow())
