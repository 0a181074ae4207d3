"""Profile one page in-process with cProfile (what ``bench/throughput.py`` measures from outside).

    PYTHONPATH=. .venv/bin/python bench/profile_page.py [--page plan|guardian|leader|poll]
        [--plans 10000] [--requests 300] [--database-url URL] [--top 35] [--app-root DIR]

Builds the same database as ``bench/throughput.py``, sends --requests requests through the test
client with the real session cookie (CSRF and everything on, as served), and prints the
functions with the most cumulative and own time. Before that it prints the CPU time a request
takes without the profiler (``time.process_time``: on a shared, loaded machine a steadier figure
than wall time). ``--app-root`` measures another checkout's app (an older commit) on the same
data.
"""

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", default="plan")
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--app-root", default=ROOT)
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    sys.path.insert(0, ROOT)
    if args.app_root != ROOT:
        sys.path.insert(0, args.app_root)
    from bench.throughput import SECRET, USER_AGENT, build
    from webapp import create_app

    cookies, pages = build(url, args.plans)
    _label, who, path = pages[args.page]
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET,
                      "OUTBOX_SEND_AFTER_REQUEST": False})
    client = app.test_client()
    name, value = cookies[who].split("=", 1)
    client.set_cookie(name, value, domain="localhost")
    headers = {"User-Agent": USER_AGENT}
    environ = {"REMOTE_ADDR": "127.0.0.1"}
    first = client.get(path, headers=headers, environ_base=environ)
    assert first.status_code == 200, first.status_code
    if args.page == "poll":
        seen = re.search(r'id="display-seen" name="seen" value="([^"]+)"', first.text)
        path = f"{path}?seen={seen.group(1)}"
    for _ in range(20):
        client.get(path, headers=headers, environ_base=environ)
    cpu = []
    for _ in range(args.requests):
        start = time.process_time()
        response = client.get(path, headers=headers, environ_base=environ)
        cpu.append((time.process_time() - start) * 1000)
        assert response.status_code == 200
    cpu.sort()
    print(f"{args.page}: {path}: CPU a request without the profiler: "
          f"p50 {statistics.median(cpu):.1f} ms, p95 {cpu[int(len(cpu) * 0.95) - 1]:.1f} ms "
          f"(app from {args.app_root})", flush=True)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(path, headers=headers, environ_base=environ)
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt
    print(f"{args.page}: {path}: {total / args.requests * 1000:.1f} ms a request in-process "
          "(with the profiler's overhead)")
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
