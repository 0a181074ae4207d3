"""Time the reports (issue 11 item 8) with 10,000 plans, served by gunicorn, against a bare Flask
route served the same way in the same run.

    PYTHONPATH=. .venv/bin/python bench/reports.py [--plans 10000] [--requests 200]
        [--workers 2] [--database-url URL]

Builds a fresh database (a temporary SQLite file unless --database-url is given: that database
is wiped) with fictional plans in every status, on every BTI level, with level changes and
entries on their timelines (and the stays on each level made from them), across 50 units in
two service groups of one municipality. Then it starts gunicorn on a free local port twice:
first with a bare Flask app (one route that returns "ok": the floor of gunicorn, HTTP and Flask
on this machine), then with Stafettlogg, and times each report, one request at a time, as the
person who may open it. Prints p50 and p95 and the ratio of each p95 to the bare route's p95.
SPEC §5 asks for p95 under 100 ms with 10,000 plans.
"""

import argparse
import http.cookiejar
import importlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta

PASSWORD = "bench-password"  # noqa: S105 - fictional people in a throw-away database


def bare():
    """The bare Flask app gunicorn serves for the floor (``bench.reports:bare()``)."""
    from flask import Flask

    app = Flask("bare")
    app.add_url_rule("/", "bare", lambda: "ok")
    return app


def serve():
    """Stafettlogg on the benchmark's database (``bench.reports:serve()``)."""
    from webapp import create_app

    return create_app({"DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    # Stopped with SIGTERM, leave through the ``with`` blocks, which stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")

    from webapp import create_app
    from webapp.db import database
    from webapp.models import MODELS

    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        database.connect(reuse_if_open=True)
        database.drop_tables(MODELS, safe=True)
        database.create_tables(MODELS)
        ids = fill(args.plans)
        # As `flask db analyze` (nightly, README) and PostgreSQL's autovacuum would after a
        # bulk load: without statistics PostgreSQL takes the fresh tables for nearly empty
        # (26 participants for 10,000) and nests loops, and SQLite picks slower plans.
        database.execute_sql("ANALYZE")
        database.close()
    print(f"{args.plans} plans, gunicorn --workers {args.workers}, {args.requests} requests "
          f"per page, one at a time ({url.split(':')[0]})")

    with gunicorn("bench.reports:bare()", url, args.workers) as base:
        floor = timings(urllib.request.build_opener(), base + "/", args.requests)
    report("bare Flask route", floor, floor)

    this_year = date.today().year
    pages = [
        ("unit leader", ids["leader"], [
            ("reports: index", "/reports"),
            ("unit report (200 plans)", f"/reports/units/{ids['unit']}"),
            ("unit report, last year", f"/reports/units/{ids['unit']}?year={this_year - 1}"),
            ("unit CSV", f"/reports/units/{ids['unit']}/csv"),
        ]),
        ("group administrator", ids["group_admin"], [
            ("group report (5,000 plans)", f"/reports/groups/{ids['group']}"),
            ("group CSV", f"/reports/groups/{ids['group']}/csv"),
        ]),
        ("municipality administrator", ids["chief"], [
            ("municipality report (all)", f"/reports/municipalities/{ids['town']}"),
            ("municipality CSV", f"/reports/municipalities/{ids['town']}/csv"),
        ]),
    ]
    with gunicorn("bench.reports:serve()", url, args.workers) as base:
        for _who, email, paths in pages:
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            login = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
            opener.open(base + "/login", data=login, timeout=120).read()
            for label, path in paths:
                report(label, timings(opener, base + path, args.requests), floor)


def timings(opener, url, count):
    """Milliseconds of ``count`` GETs of ``url`` (after 10 to warm up), sorted."""
    for _ in range(10):
        _get(opener, url)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        _get(opener, url)
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)


def _get(opener, url):
    with opener.open(url, timeout=120) as response:
        body = response.read()
        assert response.status == 200 and not response.url.endswith("/login"), url
        return body


def _p95(times):
    return times[int(len(times) * 0.95) - 1]


def report(label, times, floor):
    print(f"{label:<30} p50 {statistics.median(times):6.1f} ms   p95 {_p95(times):6.1f} ms   "
          f"p95 / bare {_p95(times) / _p95(floor):5.1f}")


class gunicorn:  # noqa: N801 - used as ``with gunicorn(...)``, like a function
    """gunicorn serving ``app`` on a free local port while the ``with`` block runs."""

    def __init__(self, app, database_url, workers):
        self.app, self.database_url, self.workers = app, database_url, workers

    def __enter__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "BENCH_DATABASE_URL": self.database_url,
               "PYTHONPATH": os.getcwd()}
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind",
             f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120", self.app], env=env)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return base
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__()
                    raise RuntimeError(f"gunicorn did not start for {self.app}") from None
                time.sleep(0.1)

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def fill(count):
    """``count`` fictional plans over 50 units (25 kindergartens, 25 schools) of one
    municipality, with a unit leader, a group administrator and the municipality's
    administrator: statuses, levels, dates, level changes and timeline entries of every kind
    the reports count."""
    from webapp.db import database
    from webapp.identity import make_synthetic
    from webapp.models import (
        Membership,
        Municipality,
        Person,
        Plan,
        ServiceGroup,
        TimelineEvent,
        Unit,
        utcnow,
    )
    from webapp.passwords import hash_password

    password = hash_password(PASSWORD)
    now = utcnow()
    statuses = (["active"] * 6) + ["draft", "passive", "closed", "archived"]
    with database.atomic():
        town = Municipality.create(name="Benkvik kommune", number="9990")
        groups = [ServiceGroup.create(municipality=town, name=name, kind=kind)
                  for name, kind in (("Barnehagane", "kindergarten"), ("Skulane", "school"))]
        units = [Unit.create(group=groups[n % 2], municipality=town, name=f"Eining {n}")
                 for n in range(50)]

        def person(name, email):
            return Person.create(name=name, email=email, is_employee=True,
                                 password_hash=password, municipality=town)

        leader = person("Leiar", "leiar@bench.example")
        Membership.create(person=leader, unit=units[0], role=Membership.UNIT_ADMIN)
        group_admin = person("Gruppeleiar", "gruppe@bench.example")
        Membership.create(person=group_admin, group=groups[0], role=Membership.GROUP_ADMIN)
        chief = person("Kommuneadministrator", "kommune@bench.example")
        Membership.create(person=chief, role=Membership.MUNICIPALITY_ADMIN)
        numbers = [make_synthetic(date(2012, 1, 1) + timedelta(days=n)) for n in range(3000)]
        rows = []
        for n in range(count):
            status = statuses[n % len(statuses)]
            created = now - timedelta(days=n % 1000, hours=n % 24)
            rows.append({
                "municipality": town.id, "unit": units[n % len(units)].id,
                "owner_name": f"Barn {n}", "owner_national_id": numbers[n % len(numbers)],
                "owner_birth_date": date(2012, 1, 1) + timedelta(days=n % 3000),
                "status": status, "bti_level": 1 + n % 3, "created_by": leader.id,
                "created_at": created, "updated_at": created,
                "closed_at": created + timedelta(days=90)
                if status in ("closed", "archived") else None,
                "next_evaluation": date.today() + timedelta(days=n % 90 - 30),
            })
        for start in range(0, len(rows), 500):
            Plan.insert_many(rows[start:start + 500]).execute()
        events = []
        for plan_id, created, level in Plan.select(Plan.id, Plan.created_at, Plan.bti_level
                                                   ).tuples():
            for step in range(2, level + 1):
                events.append({"plan": plan_id, "kind": "level_changed",
                               "detail": f"level_{step}",
                               "at": created + timedelta(days=20 * (step - 1))})
            for week in range(0, 8 if plan_id % 5 else 0, 2):  # every fifth plan is quiet
                events.append({"plan": plan_id, "kind": "message_sent", "detail": "",
                               "at": now - timedelta(weeks=week)})
        for start in range(0, len(events), 500):
            TimelineEvent.insert_many(events[start:start + 500]).execute()
        Plan.note_last_events()  # as audit.add_event keeps it
        # The stays on each level, made from the timelines as migration 017 makes them.
        importlib.import_module("webapp.migrations.017_level_stays").backfill(database)
    return {"leader": leader.email, "group_admin": group_admin.email, "chief": chief.email,
            "unit": units[0].id, "group": groups[0].id, "town": town.id}


if __name__ == "__main__":
    main()
