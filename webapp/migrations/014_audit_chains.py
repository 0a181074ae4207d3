"""014: a tamper-evident audit trail that is sound and cheap (issue 12, item 5).

- ``audit_record`` replaces ``audit_entry``: one hash chain per plan (``plan_id``, ``seq``, a
  unique pair), and the plan and the person as plain integers, not foreign keys nulled when a
  plan or a person is deleted (the hash covers them);
- ``audit_chain``: each chain's head, the row an append locks (no global lock any more);
- ``audit_checkpoint``: the signed checkpoints of the heads (``flask audit checkpoint``).

The entries already written are checked against the old single chain first: the upgrade stops
if that chain is broken (look at the entry it names before upgrading), so no tampering is
laundered into the new chains. Then they are copied, in their order, into their plans' chains
(an entry whose plan was nulled goes to chain 0). Rolling back gives an empty ``audit_entry``.
"""

import hashlib
from datetime import datetime

import peewee as pw
from peewee_migrate import Migrator

GENESIS = "0" * 64


def _when(value):
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _old_hash(prev_hash, at, actor_id, plan_id, action, section):
    parts = [prev_hash, at.isoformat(), str(actor_id), str(plan_id), action, section]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _new_hash(prev_hash, plan_id, seq, at, actor_id, action, section):
    # As AuditEntry.compute_hash at this migration (frozen here on purpose).
    parts = [prev_hash, str(plan_id), str(seq), at.isoformat(), str(actor_id), action, section]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _copy_into_chains(database):
    old = pw.Table("audit_entry", ("id", "at", "actor_id", "plan_id", "action", "section",
                                   "prev_hash", "hash")).bind(database)
    record = pw.Table("audit_record", ("plan_id", "seq", "at", "actor_id", "action", "section",
                                       "prev_hash", "hash")).bind(database)
    chain = pw.Table("audit_chain", ("plan_id", "seq", "hash", "anchored_seq")).bind(database)
    previous, heads, batch = GENESIS, {}, []
    rows = old.select(old.id, old.at, old.actor_id, old.plan_id, old.action, old.section,
                      old.prev_hash, old.hash).order_by(old.id).tuples()
    for entry_id, at, actor_id, plan_id, action, section, prev_hash, stored in rows:
        at = _when(at)
        if prev_hash != previous or _old_hash(prev_hash, at, actor_id, plan_id, action,
                                              section) != stored:
            raise RuntimeError(
                f"The audit trail's chain is broken at audit_entry id {entry_id}: look at it "
                "before upgrading (migration 014 would otherwise hide the change).")
        previous = stored
        plan_id = plan_id or 0
        seq, prev = heads.get(plan_id, (0, GENESIS))
        digest = _new_hash(prev, plan_id, seq + 1, at, actor_id, action, section)
        heads[plan_id] = (seq + 1, digest)
        batch.append({"plan_id": plan_id, "seq": seq + 1, "at": at, "actor_id": actor_id,
                      "action": action, "section": section, "prev_hash": prev, "hash": digest})
        if len(batch) >= 500:
            record.insert(batch).execute()
            batch = []
    if batch:
        record.insert(batch).execute()
    for plan_id, (seq, digest) in heads.items():
        chain.insert(plan_id=plan_id, seq=seq, hash=digest, anchored_seq=0).execute()


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class AuditRecord(pw.Model):  # the model AuditEntry (its old name's indexes still exist)
        id = pw.AutoField()
        plan_id = pw.IntegerField()
        seq = pw.IntegerField()
        at = pw.DateTimeField(index=True)
        actor_id = pw.IntegerField(null=True)
        action = pw.CharField(max_length=20)
        section = pw.CharField(max_length=40)
        prev_hash = pw.CharField(max_length=64)
        hash = pw.CharField(max_length=64)

        class Meta:
            table_name = "audit_record"
            indexes = ((("plan_id", "seq"), True),)

    @migrator.create_model
    class AuditChain(pw.Model):
        plan_id = pw.IntegerField(primary_key=True)
        seq = pw.IntegerField(default=0)
        hash = pw.CharField(max_length=64)
        anchored_seq = pw.IntegerField(default=0)

        class Meta:
            table_name = "audit_chain"

    @migrator.create_model
    class AuditCheckpoint(pw.Model):
        id = pw.AutoField()
        at = pw.DateTimeField()
        key_id = pw.CharField(max_length=16)
        heads = pw.TextField()
        prev_mac = pw.CharField(max_length=64)
        mac = pw.CharField(max_length=64)

        class Meta:
            table_name = "audit_checkpoint"

    if not fake:
        migrator.run(_copy_into_chains, database)
    migrator.remove_model("audit_entry")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class AuditEntry(pw.Model):
        id = pw.AutoField()
        at = pw.DateTimeField(index=True)
        actor = pw.ForeignKeyField(column_name="actor_id", field="id",
                                   model=migrator.orm["person"], null=True, on_delete="SET NULL")
        plan = pw.ForeignKeyField(column_name="plan_id", field="id", model=migrator.orm["plan"],
                                  null=True, on_delete="SET NULL")
        action = pw.CharField(max_length=20)
        section = pw.CharField(max_length=40)
        prev_hash = pw.CharField(max_length=64)
        hash = pw.CharField(max_length=64)

        class Meta:
            table_name = "audit_entry"

    migrator.remove_model("audit_checkpoint")
    migrator.remove_model("audit_chain")
    migrator.remove_model("audit_record")
