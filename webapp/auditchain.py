"""Checking the audit trail and anchoring it outside its table (SPEC §4: tamper-evident).

- ``verify()`` walks every plan's chain (``webapp.audit``) and every signed checkpoint, and
  returns the problems found: the first changed, inserted or removed entry of each chain,
  a chain cut short of what a checkpoint signed, a checkpoint changed or removed.
- ``checkpoint()`` signs the heads of the chains that moved since the last checkpoint
  (HMAC-SHA256 with ``AUDIT_CHECKPOINT_KEY``), stores the checkpoint, and writes it to the
  application log, outside the database. Someone who can change the database but not the key
  cannot make a checkpoint, so entries removed from the end of a chain before the newest
  checkpoint are found; the log's copy finds checkpoints removed from the table too.

``flask --app run audit verify`` and ``flask --app run audit checkpoint`` (from cron).
"""

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import AppGroup

from webapp.audit import GENESIS
from webapp.db import database, immediate
from webapp.models import AuditChain, AuditCheckpoint, AuditEntry, utcnow

log = logging.getLogger("stafettlogg.audit")

LOG_LINE = re.compile(r"audit checkpoint (\d+) at=(\S+) chains=(\d+) mac=([0-9a-f]{64})")


@dataclass(frozen=True)
class Problem:
    chain: int | None  # the plan id of the chain; None for a checkpoint
    entry_id: int | None  # the entry (or checkpoint) id
    what: str

    def __str__(self):
        where = "checkpoints" if self.chain is None else f"chain of plan {self.chain}"
        which = "" if self.entry_id is None else f", id {self.entry_id}"
        return f"{where}{which}: {self.what}"


def _key():
    configured = current_app.config.get("AUDIT_CHECKPOINT_KEY") or ""
    if configured:
        return configured.encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"stafettlogg audit checkpoint", hashlib.sha256).digest()


def key_id(key):
    """A short name of the key (not the key): which key signed a checkpoint."""
    return hashlib.sha256(b"key id|" + key).hexdigest()[:16]


def _mac(key, prev_mac, at, heads):
    message = f"{prev_mac}|{at.isoformat()}|{heads}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def checkpoint():
    """Sign the heads of the chains that moved since the last checkpoint; returns it."""
    key = _key()
    with immediate():
        last = AuditCheckpoint.select().order_by(AuditCheckpoint.id.desc()).first()
        moved = list(
            AuditChain.select(AuditChain.plan_id, AuditChain.seq, AuditChain.hash)
            .where(AuditChain.seq > AuditChain.anchored_seq)
            .order_by(AuditChain.plan_id)
            .tuples()
        )
        heads = json.dumps([list(head) for head in moved], separators=(",", ":"))
        at = utcnow()
        prev_mac = last.mac if last else GENESIS
        row = AuditCheckpoint.create(at=at, key_id=key_id(key), heads=heads, prev_mac=prev_mac,
                                     mac=_mac(key, prev_mac, at, heads))
        for plan_id, seq, _ in moved:
            AuditChain.update(anchored_seq=seq).where(
                (AuditChain.plan_id == plan_id) & (AuditChain.anchored_seq < seq)).execute()
    log.warning("audit checkpoint %s at=%s chains=%s mac=%s", row.id, at.isoformat(),
                len(moved), row.mac)
    return row


def _checkpoint_problems(key, anchored):
    """Check the checkpoints' own chain and signatures; fill ``anchored`` with the newest
    signed head of each chain: ``{plan_id: (seq, hash, checkpoint_id)}``."""
    problems, previous = [], GENESIS
    for row in AuditCheckpoint.select().order_by(AuditCheckpoint.id).iterator():
        if row.key_id != key_id(key):
            problems.append(Problem(None, row.id, "signed with another key (AUDIT_CHECKPOINT_KEY"
                                                  " changed?): it cannot be checked"))
            previous = row.mac
            continue
        if row.prev_mac != previous:
            problems.append(Problem(None, row.id, "does not follow the checkpoint before it: a "
                                                  "checkpoint was removed or inserted"))
        if not hmac.compare_digest(_mac(key, row.prev_mac, row.at, row.heads), row.mac):
            problems.append(Problem(None, row.id, "changed: its signature does not match"))
        else:
            for plan_id, seq, digest in json.loads(row.heads):
                anchored[plan_id] = (seq, digest, row.id)
        previous = row.mac
    return problems


def _chain_problem(plan_id, entries, head, signed):
    """The first problem of one chain (its entries in order of position), or None."""
    before = []  # the entries before, newest last
    at_signed = None  # the entry at the position a checkpoint signed
    for entry in entries:
        if signed is not None and entry.seq == signed[0]:
            at_signed = entry
        previous = before[-1] if before else None
        expected = previous.seq + 1 if previous else 1
        if entry.seq > expected:
            return Problem(plan_id, entry.id, f"entries at positions {expected}–{entry.seq - 1} "
                                              "before it were removed")
        if entry.prev_hash != (previous.hash if previous else GENESIS):
            if len(before) > 1 and entry.prev_hash == before[-2].hash:
                return Problem(plan_id, previous.id, "inserted: the entry after it follows the "
                                                     "entry before it")
            return Problem(plan_id, entry.id, "does not follow the entry before it: an entry "
                                              "before it was removed, changed or inserted")
        if entry.compute_hash() != entry.hash:
            return Problem(plan_id, entry.id, "changed: its contents do not match its hash")
        if previous is not None and entry.id < previous.id:
            return Problem(plan_id, previous.id, "inserted: it was written after the entry "
                                                 "that follows it")
        before = [previous, entry] if previous else [entry]
    last = before[-1] if before else None
    seq, digest = (last.seq, last.hash) if last else (0, GENESIS)
    if signed is not None:
        signed_seq, signed_hash, checkpoint_id = signed
        if seq < signed_seq:
            return Problem(plan_id, last.id if last else None,
                           f"the newest entries were removed: the chain ends at position {seq}, "
                           f"checkpoint {checkpoint_id} signed position {signed_seq}")
        if at_signed is None or at_signed.hash != signed_hash:
            return Problem(plan_id, at_signed.id if at_signed else None,
                           f"differs from what checkpoint {checkpoint_id} signed at position "
                           f"{signed_seq}: the chain was rewritten")
    if head is not None and (head.seq, head.hash) != (seq, digest):
        return Problem(plan_id, last.id if last else None,
                       f"the chain's head says position {head.seq}, the chain ends at {seq}: "
                       "entries were removed or added behind its back")
    return None


def verify():
    """Every problem found in the audit trail (an empty list when it is intact)."""
    key = _key()
    anchored = {}
    problems = _checkpoint_problems(key, anchored)
    heads = {row.plan_id: row for row in AuditChain.select()}
    seen = set()

    def close(plan_id, entries):
        seen.add(plan_id)
        found = _chain_problem(plan_id, entries, heads.get(plan_id), anchored.get(plan_id))
        if found is not None:
            problems.append(found)

    current, entries = None, []
    query = AuditEntry.select().order_by(AuditEntry.plan_id, AuditEntry.seq, AuditEntry.id)
    for entry in query.iterator():
        if entry.plan_id != current:
            if current is not None:
                close(current, entries)
            current, entries = entry.plan_id, []
        entries.append(entry)
    if current is not None:
        close(current, entries)
    for plan_id in sorted((set(heads) | set(anchored)) - seen):
        close(plan_id, [])
    return problems


def logged_checkpoint_problems(lines):
    """Checkpoints the application log recorded (``LOG_LINE``) that the table no longer holds
    as logged: a checkpoint removed, or the newest ones cut off with the entries they signed."""
    stored = {row.id: row.mac for row in AuditCheckpoint.select(AuditCheckpoint.id,
                                                                 AuditCheckpoint.mac)}
    problems = []
    for line in lines:
        match = LOG_LINE.search(line)
        if match is None:
            continue
        checkpoint_id, mac = int(match.group(1)), match.group(4)
        if stored.get(checkpoint_id) != mac:
            problems.append(Problem(None, checkpoint_id, "is in the application log but not in "
                                                         "the table as logged: removed or changed"))
    return problems


audit_cli = AppGroup("audit", help="The audit trail: verify it, sign checkpoints.")


@audit_cli.command("verify")
@click.option("--log", "log_file", type=click.File("r"),
              help="An application log to check the logged checkpoints against.")
def verify_command(log_file):
    """Check every plan's audit chain and the signed checkpoints; exit 1 on a problem."""
    database.connect(reuse_if_open=True)
    try:
        problems = verify()
        if log_file is not None:
            problems += logged_checkpoint_problems(log_file)
        entries = AuditEntry.select().count()
    finally:
        database.close()
    for problem in problems[:50]:
        click.echo(f"TAMPERED {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"The audit trail is intact ({entries} entries).")


@audit_cli.command("checkpoint")
def checkpoint_command():
    """Sign the chains' heads (from cron) and write the checkpoint to the log."""
    database.connect(reuse_if_open=True)
    try:
        row = checkpoint()
    finally:
        database.close()
    click.echo(f"audit checkpoint {row.id} at={row.at.isoformat()} "
               f"chains={len(json.loads(row.heads))} mac={row.mac}")
