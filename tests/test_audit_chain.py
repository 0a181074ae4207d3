"""The tamper-evident audit trail (SPEC §4, issue 12 item 5): one hash chain per plan,
``flask audit verify`` finds a changed, a removed and an inserted entry and the newest ones cut
off behind a signed checkpoint; deleting a plan keeps the chain verifiable; concurrent appends
keep each chain linear, and two plans' appends do not wait for each other on PostgreSQL."""

import logging
import threading

import pytest

from webapp import audit, auditchain
from webapp.db import database, is_sqlite
from webapp.models import AuditChain, AuditCheckpoint, AuditEntry, Plan


def _entries(plan_id):
    return list(AuditEntry.select().where(AuditEntry.plan_id == plan_id)
                .order_by(AuditEntry.seq))


def _fill(plans=(7, 8), reads=5):
    for n in range(reads):
        for plan_id in plans:
            audit.append(plan_id, 100 + n, audit.READ, f"overview.show {n}")


def _verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def test_reads_are_chained_per_plan_and_verify_passes(app):
    _fill()
    for plan_id in (7, 8):
        chain = _entries(plan_id)
        assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
        assert chain[0].prev_hash == audit.GENESIS
        assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))
        assert AuditChain.get_by_id(plan_id).hash == chain[-1].hash
    assert auditchain.verify() == []
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "intact (10 entries)" in result.output


def test_a_changed_entry_is_found(app):
    _fill()
    victim = _entries(7)[2]
    AuditEntry.update(section="timeline.index").where(AuditEntry.id == victim.id).execute()
    [problem] = auditchain.verify()
    assert (problem.chain, problem.entry_id) == (7, victim.id)
    assert "changed" in problem.what
    result = _verify(app)
    assert result.exit_code == 1
    assert f"chain of plan 7, id {victim.id}: changed" in result.output


def test_a_changed_entry_with_its_hash_recomputed_is_found_at_the_next(app):
    _fill()
    chain = _entries(7)
    victim = chain[1]
    victim.actor_id = 999
    victim.hash = victim.compute_hash()
    victim.save()
    [problem] = auditchain.verify()
    assert (problem.chain, problem.entry_id) == (7, chain[2].id)
    assert "does not follow" in problem.what


def test_a_removed_entry_is_found(app):
    _fill()
    chain = _entries(8)
    AuditEntry.delete().where(AuditEntry.id == chain[1].id).execute()
    [problem] = auditchain.verify()
    assert (problem.chain, problem.entry_id) == (8, chain[2].id)
    assert "positions 2–2 before it were removed" in problem.what
    assert _verify(app).exit_code == 1


def test_an_inserted_entry_is_found(app):
    """A forged read slipped in after position 2, with a correct hash of its own, and the later
    entries moved up one place to make room."""
    _fill()
    chain = _entries(7)
    for entry in reversed(chain[2:]):
        AuditEntry.update(seq=entry.seq + 1).where(AuditEntry.id == entry.id).execute()
    forged = AuditEntry(plan_id=7, seq=3, at=chain[1].at, actor_id=555, action="read",
                        section="minutes.show", prev_hash=chain[1].hash)
    forged.hash = forged.compute_hash()
    forged.save()
    [problem] = auditchain.verify()
    assert (problem.chain, problem.entry_id) == (7, forged.id)
    assert problem.what.startswith("inserted")
    assert _verify(app).exit_code == 1


def test_an_entry_appended_behind_the_heads_back_is_found(app):
    _fill()
    last = _entries(7)[-1]
    forged = AuditEntry(plan_id=7, seq=last.seq + 1, at=last.at, actor_id=555, action="read",
                        section="minutes.show", prev_hash=last.hash)
    forged.hash = forged.compute_hash()
    forged.save()
    [problem] = auditchain.verify()
    assert (problem.chain, problem.entry_id) == (7, forged.id)
    assert "head" in problem.what


def test_the_newest_entries_cut_off_are_found_by_the_checkpoint(app):
    """Removing the newest entries and setting the head back leaves a consistent chain: only
    the signed checkpoint, made before, shows what is missing."""
    _fill()
    auditchain.checkpoint()
    chain = _entries(8)
    AuditEntry.delete().where(AuditEntry.id.in_([e.id for e in chain[3:]])).execute()
    AuditChain.update(seq=3, hash=chain[2].hash).where(AuditChain.plan_id == 8).execute()
    [problem] = auditchain.verify()
    assert (problem.chain, problem.entry_id) == (8, chain[2].id)
    assert "newest entries were removed" in problem.what and "position 5" in problem.what
    result = _verify(app)
    assert result.exit_code == 1 and "newest entries were removed" in result.output


def test_a_whole_chain_removed_is_found_by_the_checkpoint(app):
    _fill()
    auditchain.checkpoint()
    AuditEntry.delete().where(AuditEntry.plan_id == 7).execute()
    AuditChain.delete().where(AuditChain.plan_id == 7).execute()
    [problem] = auditchain.verify()
    assert problem.chain == 7 and "newest entries were removed" in problem.what


def test_a_forged_or_removed_checkpoint_is_found(app, caplog):
    _fill()
    with caplog.at_level(logging.WARNING, logger="stafettlogg.audit"):
        first = auditchain.checkpoint()
        audit.append(7, 1, audit.READ, "goals.index")
        second = auditchain.checkpoint()
    logged = [r.getMessage() for r in caplog.records if "audit checkpoint" in r.getMessage()]
    assert len(logged) == 2 and f"mac={second.mac}" in logged[1]
    assert auditchain.verify() == []
    assert auditchain.logged_checkpoint_problems(logged) == []

    # A checkpoint rewritten without the key: its signature fails.
    AuditCheckpoint.update(heads="[]").where(AuditCheckpoint.id == first.id).execute()
    assert [p.what for p in auditchain.verify()] == ["changed: its signature does not match"]
    AuditCheckpoint.update(heads=first.heads).where(AuditCheckpoint.id == first.id).execute()

    # The newest checkpoint and what it signed removed together: the table alone looks whole,
    # the application log's copy does not.
    AuditCheckpoint.delete().where(AuditCheckpoint.id == second.id).execute()
    AuditEntry.delete().where((AuditEntry.plan_id == 7) & (AuditEntry.seq == 6)).execute()
    AuditChain.update(seq=5, hash=_entries(7)[-1].hash, anchored_seq=5).where(
        AuditChain.plan_id == 7).execute()
    assert auditchain.verify() == []
    [problem] = auditchain.logged_checkpoint_problems(logged)
    assert problem.entry_id == second.id


def test_verify_reads_the_log_file(app, tmp_path):
    _fill()
    row = auditchain.checkpoint()
    log_file = tmp_path / "app.log"
    log_file.write_text(f"2026-11-23 WARNING audit checkpoint {row.id} at={row.at.isoformat()} "
                        f"chains=2 mac={row.mac}\n")
    assert _verify(app, "--log", str(log_file)).exit_code == 0
    AuditCheckpoint.delete().execute()
    result = _verify(app, "--log", str(log_file))
    assert result.exit_code == 1 and "in the application log but not in the table" in result.output


def test_a_checkpoint_signs_only_the_chains_that_moved(app):
    _fill()
    first = auditchain.checkpoint()
    assert '[7,5,"' in first.heads and '[8,5,"' in first.heads
    audit.append(8, 1, audit.READ, "goals.index")
    second = auditchain.checkpoint()
    assert second.heads.startswith('[[8,6,"') and "[7," not in second.heads
    assert second.prev_mac == first.mac
    assert auditchain.checkpoint().heads == "[]"
    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0 and "chains=0" in result.output


def test_deleting_a_plan_keeps_its_chain_verifiable(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    assert client.get(f"/plans/{plan.id}/overview").status_code == 200
    assert client.get(f"/plans/{plan.id}/goals").status_code == 200
    auditchain.checkpoint()
    Plan.get_by_id(plan.id).delete_instance(recursive=True)
    assert [e.section for e in _entries(plan.id)] == ["overview.show", "goals.index"]
    assert auditchain.verify() == []


def test_content_writes_are_in_the_trail(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    version = Plan.get_by_id(plan.id).overview_version
    client.get(f"/plans/{plan.id}/overview/edit")
    response = client.post(f"/plans/{plan.id}/overview/edit",
                           data={"overview": "Ada likar å teikne.", "version": str(version)})
    assert response.status_code == 302
    refused = client.post(f"/plans/{plan.id}/overview/edit",
                          data={"overview": "", "version": str(version + 1)})
    assert refused.status_code == 422
    client.post(f"/plans/{plan.id}/goals/new",
                data={"title": "Ada les 15 minutt kvar dag", "version": "1"})
    entries = [(e.action, e.section, e.actor_id) for e in _entries(plan.id)]
    assert entries[:2] == [("read", "overview.edit", world.coordinator.id),
                           ("write", "overview_written", world.coordinator.id)]
    # The refused save wrote nothing, and so is no write in the trail.
    assert [e for e in entries if e[0] == "write"] == [
        ("write", "overview_written", world.coordinator.id),
        ("write", "goal_added", world.coordinator.id)]
    assert auditchain.verify() == []


def _append_many(plan_ids, count, errors):
    try:
        database.connect(reuse_if_open=True)
        for n in range(count):
            audit.append(plan_ids[n % len(plan_ids)], n, audit.READ, "overview.show")
    except Exception as error:  # noqa: BLE001 - reported by the test
        errors.append(error)
    finally:
        database.close()


def test_concurrent_appends_keep_each_chain_linear(app):
    """Six threads (the pool holds 8 connections, one is the test's), each with its own
    connection, append to two plans at once (SQLite: the write lock; PostgreSQL: the head
    row's lock): no error, no gap, no fork."""
    errors = []
    threads = [threading.Thread(target=_append_many, args=((21, 22), 30, errors))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for plan_id in (21, 22):
        assert [e.seq for e in _entries(plan_id)] == list(range(1, 91))
    assert auditchain.verify() == []


def test_two_plans_chains_do_not_wait_for_each_other(app):
    """A transaction holding plan 31's chain (an append not yet committed) does not hold up an
    append to plan 32; on SQLite there is one write lock for the file, so only PostgreSQL."""
    if is_sqlite():
        pytest.skip("SQLite has one write lock per database: appends are serialised there")
    holding, release, done, errors = (threading.Event(), threading.Event(), threading.Event(),
                                      [])

    def hold():
        database.connect(reuse_if_open=True)
        try:
            with database.atomic():
                audit.append(31, 1, audit.READ, "overview.show")
                holding.set()
                release.wait(10)
        finally:
            database.close()

    def other():
        database.connect(reuse_if_open=True)
        try:
            audit.append(32, 2, audit.READ, "overview.show")
            done.set()
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            database.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    second = threading.Thread(target=other)
    second.start()
    assert done.wait(10), "the append to another plan waited for plan 31's transaction"
    release.set()
    holder.join()
    second.join()
    assert errors == []
    assert auditchain.verify() == []


def test_verify_passes_on_the_demo_data(app):
    from webapp.demo import load_demo

    load_demo()
    assert AuditEntry.select().where(AuditEntry.action == audit.READ).count() >= 5
    auditchain.checkpoint()
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def _old_chain(run, rows):
    """Write ``rows`` ``(at, action, section)`` into the old single chain (before 014)."""
    import hashlib

    previous = audit.GENESIS
    for entry_id, (at, action, section) in enumerate(rows, start=1):
        digest = hashlib.sha256("|".join(
            [previous, at, "None", "None", action, section]).encode()).hexdigest()
        run("INSERT INTO audit_entry (id, at, actor_id, plan_id, action, section, prev_hash, "
            "hash) VALUES (?, ?, NULL, NULL, ?, ?, ?, ?)",
            (entry_id, at.replace("T", " "), action, section, previous, digest))
        previous = digest


def _upgrade_with_old_entries(tmp_path, rows, tamper=None):
    import peewee

    from tests.test_migrations import _bound_to
    from webapp import cli
    from webapp.db import SQLITE_PRAGMAS

    db = peewee.SqliteDatabase(str(tmp_path / "old.sqlite3"), pragmas=SQLITE_PRAGMAS)
    with _bound_to(db):
        db.connect()
        router = cli.router()
        before = [name for name in router.todo if name < "014"]
        router.run(before[-1])
        _old_chain(db.execute_sql, rows)
        if tamper:
            db.execute_sql(tamper)
        router.run()
        yield db


def test_migration_014_moves_the_old_chain_into_per_plan_chains(app, tmp_path):
    rows = [("2026-11-01T10:00:00.123456", "read", "overview.show"),
            ("2026-11-01T10:05:00", "write", "overview.edit")]
    for db in _upgrade_with_old_entries(tmp_path, rows):
        copied = db.execute_sql("SELECT plan_id, seq, section FROM audit_record ORDER BY seq")
        assert list(copied) == [(0, 1, "overview.show"), (0, 2, "overview.edit")]
        assert "audit_entry" not in db.get_tables()
        assert auditchain.verify() == []


def test_migration_014_stops_on_a_broken_old_chain(app, tmp_path):
    rows = [("2026-11-01T10:00:00", "read", "overview.show"),
            ("2026-11-01T10:05:00", "read", "goals.index")]
    with pytest.raises(RuntimeError, match="broken at audit_entry id 2"):
        for _db in _upgrade_with_old_entries(
                tmp_path, rows, "UPDATE audit_entry SET section = 'timeline.index' WHERE id = 2"):
            pass
