"""CPU time of the leader's pages and the reports in-process, with 10,000 plans: a steadier figure
than wall time on a shared, loaded machine (``time.process_time`` of each request through the
test client; the database's own time is in it for SQLite, not for PostgreSQL's server).

    PYTHONPATH=. .venv/bin/python bench/leader_cpu.py [--data leader|reports] [--plans 10000]
        [--requests 60] [--database-url URL] [--only SUBSTRING] [--profile LABEL] [--top 30]
        [--queries] [--no-analyze] [--app-root DIR]

Builds the database of ``bench/leader.py`` (``--data leader``: 50 units of one group, a unit
leader and the group administrator) or of ``bench/reports.py`` (``--data reports``: two groups,
a unit leader, a group and a municipality administrator), then for each page prints the median
and p95 CPU milliseconds a request (after warming up), and the wall p95. ``--profile LABEL``
runs cProfile over the page whose label contains LABEL; ``--queries`` prints each page's SQL
statements with their time.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "bench-password"  # noqa: S105 - fictional bench accounts only


def pages_of(data, ids, this_year):
    if data == "leader":
        leader, chief = ids
        return [
            (leader, [("unit overview", "/leader/plans"),
                      ("unit overview by activity", "/leader/plans?sort=activity&dir=desc"),
                      ("unit worklist", "/leader/review")]),
            (chief, [("group overview", "/leader/plans"),
                     ("group overview by activity", "/leader/plans?sort=activity&dir=desc"),
                     ("group overview quiet", "/leader/plans?quiet=yes"),
                     ("group worklist", "/leader/review")]),
        ]
    return [
        (ids["leader"], [("unit report", f"/reports/units/{ids['unit']}"),
                         ("unit CSV", f"/reports/units/{ids['unit']}/csv")]),
        (ids["group_admin"], [("group report", f"/reports/groups/{ids['group']}"),
                              ("group CSV", f"/reports/groups/{ids['group']}/csv")]),
        (ids["chief"], [("municipality report", f"/reports/municipalities/{ids['town']}"),
                        ("municipality CSV", f"/reports/municipalities/{ids['town']}/csv"),
                        ("municipality report, last year",
                         f"/reports/municipalities/{ids['town']}?year={this_year - 1}")]),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", choices=("leader", "reports"), default="leader")
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--database-url")
    parser.add_argument("--only", default="")
    parser.add_argument("--profile")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--app-root", default=ROOT,
                        help="measure another checkout's app (an older commit) on the same data")
    parser.add_argument("--no-analyze", action="store_true",
                        help="leave SQLite without statistics (the benches and `flask db "
                             "analyze` make them)")
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    sys.path.insert(0, ROOT)
    if args.app_root != ROOT:
        sys.path.insert(0, args.app_root)

    from bench import leader as leader_bench
    from bench import reports as reports_bench
    from webapp import create_app
    from webapp.db import database
    from webapp.models import MODELS, oslo_today

    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "OUTBOX_SEND_AFTER_REQUEST": False})
    with app.app_context():
        database.connect(reuse_if_open=True)
        database.drop_tables(MODELS, safe=True, cascade=not url.startswith("sqlite"))
        database.create_tables(MODELS)
        fill = leader_bench.fill if args.data == "leader" else reports_bench.fill
        ids = fill(args.plans)
        if not (args.no_analyze and url.startswith("sqlite")):
            database.execute_sql("ANALYZE")  # as bench/leader.py and bench/reports.py do
        database.close()
    import webapp

    print(f"{args.plans} plans ({args.data} data, {url.split(':')[0]}), {args.requests} "
          f"requests a page, in-process, app from {os.path.dirname(webapp.__path__[0])}",
          flush=True)

    for email, paths in pages_of(args.data, ids, oslo_today().year):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code in (302, 303), response.status_code
        for label, path in paths:
            if args.only not in label:
                continue
            for _ in range(5):
                assert client.get(path).status_code == 200, path
            if args.queries:
                _print_queries(app, client, path, label)
            cpu, wall = [], []
            for _ in range(args.requests):
                start, start_wall = time.process_time(), time.perf_counter()
                response = client.get(path)
                cpu.append((time.process_time() - start) * 1000)
                wall.append((time.perf_counter() - start_wall) * 1000)
                assert response.status_code == 200
            cpu.sort()
            wall.sort()
            p95 = int(len(cpu) * 0.95) - 1
            print(f"{label:<32} CPU p50 {statistics.median(cpu):6.1f} ms  p95 {cpu[p95]:6.1f} ms"
                  f"   wall p50 {statistics.median(wall):6.1f} ms  p95 {wall[p95]:6.1f} ms",
                  flush=True)
            if args.profile and args.profile in label:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(args.requests):
                    client.get(path)
                profile.disable()
                stats = pstats.Stats(profile)
                stats.sort_stats("cumulative").print_stats(args.top)
                stats.sort_stats("tottime").print_stats(args.top)


def _print_queries(app, client, path, label):
    """Each SQL statement of one request, with its wall time (peewee's ``execute_sql``)."""
    from webapp.db import database

    real = type(database.obj).execute_sql
    seen = []

    def timed(self, sql, params=None, *rest, **kwargs):
        start = time.perf_counter()
        try:
            return real(self, sql, params, *rest, **kwargs)
        finally:
            seen.append(((time.perf_counter() - start) * 1000, sql))

    type(database.obj).execute_sql = timed
    try:
        client.get(path)
    finally:
        type(database.obj).execute_sql = real
    print(f"-- {label}: {len(seen)} statements")
    for ms, sql in seen:
        print(f"   {ms:6.2f} ms  {sql[:160]}")


if __name__ == "__main__":
    main()
