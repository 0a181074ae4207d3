"""Read throughput with the audit trail under concurrency, served by gunicorn (not the test
client): many logged-in reads of plan content, each an audited read, spread over many plans.

    PYTHONPATH=. .venv/bin/python bench/audit.py [--plans 200] [--clients 16] [--seconds 20]
        [--database-url postgresql://postgres@127.0.0.1:5432/NAME] [--same-plan] [--appends]

Builds a fresh database (a temporary SQLite file unless --database-url is given: that database
is wiped) with ``--plans`` plans led by one stafetthaldar, serves the app with gunicorn
(2 workers x 4 threads, a free port), logs in once over HTTP, and has ``--clients`` threads
GET ``/plans/<id>/overview`` of random plans (one plan with ``--same-plan``) for ``--seconds``.
Prints requests per second, p50/p95 and errors, then checks that every read is in the trail.
``--appends`` measures the audit trail alone: threads in this process, each with its own
connection, append audited reads as fast as they can (no HTTP, no page rendering).

To measure the code before a change, put that checkout first on PYTHONPATH (a ``git worktree``
of the old commit): the script imports ``webapp`` from there and serves that.
"""

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from urllib.parse import urlencode

PASSWORD = "bench-password"  # noqa: S105 - fictional bench data


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(count):
    """``count`` active plans, each with one stafetthaldar (the same person); returns the
    email and the plan ids."""
    from webapp.db import database
    from webapp.identity import make_synthetic
    from webapp.models import (
        Membership,
        Municipality,
        Participant,
        Person,
        Plan,
        ServiceGroup,
        Unit,
        utcnow,
    )
    from webapp.passwords import hash_password

    with database.atomic():
        town = Municipality.create(name="Benkvik kommune", number="9990")
        group = ServiceGroup.create(municipality=town, name="Skulane", kind="school")
        unit = Unit.create(group=group, municipality=town, name="Skule")
        holder = Person.create(name="Bente Benk", email="bente@bench.example", is_employee=True,
                               password_hash=hash_password(PASSWORD), municipality=town)
        Membership.create(person=holder, unit=unit, role=Membership.COORDINATOR)
        Plan.insert_many([{
            "municipality": town.id, "unit": unit.id, "owner_name": f"Barn {n}",
            "owner_national_id": make_synthetic(date(2012, 1, 1) + timedelta(days=n % 3000)),
            "owner_birth_date": date(2012, 1, 1) + timedelta(days=n % 3000),
            "status": "active", "created_by": holder.id, "created_at": utcnow(),
            "updated_at": utcnow(), "overview": "Eit kort oversyn over barnet.",
        } for n in range(count)]).execute()
        ids = [p.id for p in Plan.select(Plan.id).order_by(Plan.id)]
        Participant.insert_many([{
            "plan": plan_id, "person": holder.id, "role": "stafetthaldar", "unit": unit.id,
            "status": "active", "invited_at": utcnow(), "activated_at": utcnow(),
        } for plan_id in ids]).execute()
    return holder.email, ids


def login(port, email):
    """Log in over HTTP as a browser does (CSRF token, session cookie); the cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded",
                                          "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie").split(";", 1)[0]


def client(port, cookie, plan_ids, until, times, errors):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rng = random.Random()
    while time.perf_counter() < until:
        path = f"/plans/{rng.choice(plan_ids)}/overview"
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = "connection error"
        if status == 200:
            times.append((time.perf_counter() - start) * 1000)
        else:
            errors.append(status)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--database-url")
    parser.add_argument("--same-plan", action="store_true", help="every read to one plan")
    parser.add_argument("--appends", action="store_true",
                        help="the audit trail alone: threads appending reads in-process")
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")

    import webapp
    from webapp import create_app
    from webapp.db import database
    from webapp.models import MODELS

    root = os.path.dirname(os.path.dirname(os.path.abspath(webapp.__file__)))
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        database.connect(reuse_if_open=True)
        if url.startswith("sqlite"):
            database.drop_tables(MODELS, safe=True)
        else:
            database.drop_tables(MODELS, safe=True, cascade=True)
        database.create_tables(MODELS)
        email, plan_ids = fill(args.plans)
        database.close()
    if args.same_plan:
        plan_ids = plan_ids[:1]
    if args.appends:
        return appends(app, url, email, plan_ids, args)

    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, STAFETTLOGG_ENV="development",
               SECRET_KEY="bench-secret-key-that-is-long-enough-000", OUTBOX_SEND_AFTER_REQUEST="0",
               PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "run:app"],
        cwd=root, env=env, start_new_session=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        cookie = login(port, email)
        # Warm up: every worker imports, connects and renders once.
        warm_times, warm_errors = [], []
        client(port, cookie, plan_ids, time.perf_counter() + 2, warm_times, warm_errors)
        times, errors = [], []
        until = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=client,
                                    args=(port, cookie, plan_ids, until, times, errors))
                   for _ in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    times.sort()
    database_kind = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    where = "one plan" if args.same_plan else f"{len(plan_ids)} plans"
    print(f"{root}: {database_kind}, {args.clients} clients, reads over {where}")
    print(f"  {len(times) / elapsed:7.1f} reads/s   p50 {statistics.median(times):6.1f} ms   "
          f"p95 {times[int(len(times) * 0.95) - 1]:6.1f} ms   {len(times)} ok, "
          f"{len(errors)} errors {sorted(set(map(str, errors)))}")

    with app.app_context():
        database.connect(reuse_if_open=True)
        from webapp.models import AuditEntry

        audited = AuditEntry.select().count()
        try:
            from webapp.auditchain import verify
        except ImportError:  # the code before the per-plan chains
            from webapp.audit import verify_chain

            problems = [] if verify_chain() is None else ["broken"]
        else:
            problems = verify()
        database.close()
    print(f"  audit entries: {audited} for {len(times) + len(warm_times)} reads; "
          f"chain {'intact' if not problems else 'BROKEN: ' + str(problems[0])}")


def appends(app, url, email, plan_ids, args):
    """``--clients`` threads (at most 7: the pool holds 8), each with its own connection,
    append audited reads (``record_access``, as every plan page does) for ``--seconds``."""
    from types import SimpleNamespace

    from webapp.audit import record_access
    from webapp.db import database
    from webapp.models import AuditEntry, Person

    with app.app_context():
        database.connect(reuse_if_open=True)
        person = SimpleNamespace(id=Person.get(Person.email == email).id)
        database.close()
    times, errors = [], []
    until = time.perf_counter() + args.seconds

    def run():
        rng = random.Random()
        with app.app_context():
            database.connect(reuse_if_open=True)
            try:
                while time.perf_counter() < until:
                    start = time.perf_counter()
                    try:
                        record_access(person, SimpleNamespace(id=rng.choice(plan_ids)),
                                      "overview.show")
                        times.append((time.perf_counter() - start) * 1000)
                    except Exception as error:  # noqa: BLE001 - counted and reported
                        errors.append(type(error).__name__)
            finally:
                database.close()

    threads = [threading.Thread(target=run) for _ in range(min(args.clients, 7))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    times.sort()
    database_kind = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    where = "one plan" if args.same_plan else f"{len(plan_ids)} plans"
    import webapp

    print(f"{os.path.dirname(os.path.dirname(webapp.__file__))}: {database_kind}, "
          f"{len(threads)} threads appending, over {where}")
    print(f"  {len(times) / elapsed:7.1f} appends/s   p50 {statistics.median(times):6.2f} ms   "
          f"p95 {times[int(len(times) * 0.95) - 1]:6.2f} ms   {len(errors)} errors "
          f"{sorted(set(errors))}")
    with app.app_context():
        database.connect(reuse_if_open=True)
        print(f"  audit entries: {AuditEntry.select().count()} for {len(times)} appends")
        database.close()


if __name__ == "__main__":
    main()
