"""Profile one page in-process with cProfile (what ``bench/throughput.py`` measures from outside).

    PYTHONPATH=. .venv/bin/python bench/profile_page.py [--page plan|guardian|leader|poll]
        [--plans 10000] [--requests 300] [--database-url URL] [--top 35]

Builds the same database as ``bench/throughput.py``, sends --requests requests through the test
client with the real session cookie (CSRF and everything on, as served), and prints the
functions with the most cumulative and own time.
"""

import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", default="plan")
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    sys.path.insert(0, ROOT)
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
