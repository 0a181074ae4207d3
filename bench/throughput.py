"""Throughput of four pages from outside, side by side with a bare Flask app (SPEC §5, issue 13).

    PYTHONPATH=. .venv/bin/python bench/throughput.py [--database-url URL] [--plans 10000]
        [--duration 8] [--rounds 3] [--connections 20] [--pages plan,guardian,leader,poll]

Builds a fresh database (a temporary SQLite file unless --database-url is given: that database
is wiped) with --plans fictional plans (``bench/pages.py``'s data, plus a guardian on the
measured plan), serves the app with gunicorn (2 workers × 4 threads, as in production) and
``bench/bare.py`` (one route returning "ok") the same way, and loads each page with wrk
(Debian's ``wrk``; a Python load generator if it is missing) for --duration seconds with
--connections connections, alternating with the bare app: bare, page, bare, page, ... for
--rounds rounds. Prints, per page, the medians over the rounds of its requests per second, of
the bare app's measured right before it, their ratio, and p50/p95/p99.

The pages: the stafetthaldar's plan page, the guardian's plan page, the leader's home (a unit
administrator: her own plans and her unit's 200) and the meeting display's poll when the screen
is unchanged (``?seen=`` the fingerprint it already shows).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
USER_AGENT = "stafettlogg-bench"
SECRET = "bench-secret-" + "x" * 40

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
                 + summary.errors.write + summary.errors.timeout
  io.write(string.format('BENCH {"requests": %d, "seconds": %f, "errors": %d, '
    .. '"p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def server_env(url, root=ROOT):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "OUTBOX_SEND_AFTER_REQUEST": "0",
        "ALLOW_SYNTHETIC_IDS": "1",
        "PYTHONPATH": root,
    })
    return env


class Server:
    """A gunicorn serving ``app`` (``module:variable``) on a port the system picks."""

    def __init__(self, app, env, workers=2, threads=4, root=ROOT):
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        self.process = subprocess.Popen(
            [gunicorn, "-w", str(workers), "--threads", str(threads), "-b", "127.0.0.1:0",
             "--worker-class", "gthread", "--log-level", "info", "--graceful-timeout", "5",
             "--preload", app],
            cwd=root, env=env, stderr=subprocess.PIPE, text=True,
        )
        self.port = None
        self.log = []
        booted = 0
        deadline = time.monotonic() + 60
        while booted < workers and time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            self.log.append(line)
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
            if "Booting worker" in line:
                booted += 1
        if self.port is None or booted < workers:
            self.stop()
            raise RuntimeError("gunicorn did not start:\n" + "".join(self.log))
        # Keep reading its log so the pipe never fills.
        threading.Thread(target=self._drain, daemon=True).start()
        for _ in range(4 * workers):  # both workers answer before anything is measured
            while True:
                try:
                    get(self.port, "/favicon.ico")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)

    def _drain(self):
        for line in self.process.stderr:
            self.log.append(line)

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def get(port, path, cookie=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def wrk(port, path, cookie, seconds, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
               "--timeout", "10s", "-s", script.name, "-H", f"User-Agent: {USER_AGENT}",
               "-H", "Accept-Encoding: gzip"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True,
                            text=True, check=True).stdout
    os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    result = json.loads(line[6:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def python_load(port, path, cookie, seconds, connections):
    """The same measurement without wrk: ``connections`` threads with keep-alive connections."""
    times, errors = [], [0]
    stop_at = time.monotonic() + seconds
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
    if cookie:
        headers["Cookie"] = cookie

    def user():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            times.append((time.perf_counter() - start) * 1000)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=user) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    times.sort()

    def pct(p):
        return times[min(len(times) - 1, int(len(times) * p / 100))] if times else 0.0

    return {"requests": len(times), "seconds": elapsed, "errors": errors[0],
            "rps": len(times) / elapsed, "p50": pct(50), "p95": pct(95), "p99": pct(99)}


def build(url, plans):
    """Fill the database; return the cookies of the stafetthaldar, the guardian and the leader
    and the paths measured."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    from bench.pages import fill
    from webapp import create_app
    from webapp.db import database
    from webapp.models import MODELS, Participant, Person, utcnow
    from webapp.sessions import start_session

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "TESTING": True})
    with app.app_context():
        database.connect(reuse_if_open=True)
        database.drop_tables(MODELS, safe=True, cascade=not url.startswith("sqlite"))
        database.create_tables(MODELS)
        people = fill(plans)
        # Statistics, as `flask db analyze` (nightly, README) and PostgreSQL's autovacuum make
        # them after a bulk load; without them both databases pick slower plans.
        database.execute_sql("ANALYZE")
        guardian = Person.create(name="Føresett Benk", email="foresett@bench.example")
        Participant.create(plan=people["plan_id"], person=guardian, role=Participant.GUARDIAN,
                           status=Participant.ACTIVE, activated_at=utcnow())
        cookies = {}
        serializer = app.session_interface.get_signing_serializer(app)
        for who, person in (("holder", Person.get(Person.email == people["holder"])),
                            ("leader", Person.get(Person.email == people["leader"])),
                            ("guardian", guardian)):
            with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                          headers={"User-Agent": USER_AGENT}):
                from flask import session

                start_session(person)
                cookies[who] = (app.config["SESSION_COOKIE_NAME"] + "="
                                + serializer.dumps(dict(session)))
        database.close()
    plan = people["plan_id"]
    return cookies, {
        "plan": ("stafetthaldar's plan page", "holder", f"/plans/{plan}"),
        "guardian": ("guardian's plan page", "guardian", f"/plans/{plan}"),
        "leader": ("leader's home", "leader", "/"),
        "poll": ("display poll, unchanged", "holder", people["display_url"]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--pages", default="plan,guardian,leader,poll")
    parser.add_argument("--app-root", default=ROOT,
                        help="serve the app from this checkout (e.g. an older commit's, to "
                             "compare); the data is built by this one")
    parser.add_argument("--python-load", action="store_true",
                        help="use the Python load generator even if wrk is installed")
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    load = wrk if shutil.which("wrk") and not args.python_load else python_load
    print(f"database {url.split('@')[-1]}, {args.plans} plans, load by {load.__name__}, "
          f"{args.connections} connections, {args.duration:g} s × {args.rounds} rounds",
          flush=True)
    cookies, pages = build(url, args.plans)
    chosen = [key.strip() for key in args.pages.split(",") if key.strip()]

    app_server = Server("run:app", server_env(url, args.app_root), root=args.app_root)
    bare_server = Server("bench.bare:app", server_env(url))
    try:
        paths = {}
        for key in chosen:
            label, who, path = pages[key]
            status, body = get(app_server.port, path, cookies[who])
            if status != 200:
                raise RuntimeError(f"{label}: {path} answered {status}")
            if key == "poll":
                seen = re.search(rb'id="display-seen" name="seen" value="([^"]+)"', body)
                path = f"{path}?seen={seen.group(1).decode()}"
                status, body = get(app_server.port, path, cookies[who])
                if status != 200 or body:
                    raise RuntimeError("the unchanged poll sent content")
            paths[key] = path
            print(f"  {label}: {path}, {len(body)} bytes", flush=True)
        load(bare_server.port, "/", None, 1, args.connections)  # warm both up
        for key in chosen:
            load(app_server.port, paths[key], cookies[pages[key][1]], 1, args.connections)

        results = {key: [] for key in chosen}
        for number in range(args.rounds):
            for key in chosen:
                bare = load(bare_server.port, "/", None, args.duration, args.connections)
                page = load(app_server.port, paths[key], cookies[pages[key][1]], args.duration,
                            args.connections)
                results[key].append((bare, page))
                print(f"  round {number + 1} {pages[key][0]:<28} {page['rps']:8.1f} rps "
                      f"(bare {bare['rps']:8.1f})  p95 {page['p95']:7.1f} ms  "
                      f"errors {page['errors']}", flush=True)
    finally:
        app_server.stop()
        bare_server.stop()

    print()
    print(f"{'page':<28} {'rps':>8} {'bare rps':>9} {'÷ bare':>7} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'errors':>6}")
    for key in chosen:
        rounds = results[key]

        def median(field, which=1, rounds=rounds):
            return statistics.median(r[which][field] for r in rounds)

        ratio = statistics.median(page["rps"] / bare["rps"] for bare, page in rounds)
        errors = sum(page["errors"] for _, page in rounds)
        print(f"{pages[key][0]:<28} {median('rps'):8.1f} {median('rps', 0):9.1f} {ratio:7.3f} "
              f"{median('p50'):8.1f} {median('p95'):8.1f} {median('p99'):8.1f} {errors:>6}")


if __name__ == "__main__":
    main()
