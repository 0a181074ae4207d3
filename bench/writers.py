"""Many writers at once, and a crash in the middle (SPEC §5, issue 13): nothing acknowledged is
lost, and no write is left without its timeline event.

    PYTHONPATH=. .venv/bin/python bench/writers.py [--database-url URL] [--users 50]
        [--seconds 60] [--kill] [--app-root DIR]

Builds a fresh database (a temporary SQLite file unless --database-url is given: that database
is wiped) with one plan on a valid consent per user, each with a goal; serves the app with
gunicorn (2 workers × 4 threads); and lets --users stafetthaldarar write for --seconds: in
turn a message (its subject a unique marker), an activity (its title a marker) and new minutes
(their id, from the answer's redirect). A write is acknowledged when the answer is the redirect
that follows a save. Prints the requests, errors by status, p50/p95, and then counts what is in
the database: acknowledged writes missing (lost), and writes without their timeline event.

``--kill`` sends SIGKILL to gunicorn's process group half-way, starts it again and lets the
writers go on (requests in flight fail: counted apart, not as lost unless acknowledged). On
SQLite it ends with ``PRAGMA integrity_check``. The message rate limit is raised for the run
(``MESSAGE_RATE_LIMIT``): it is what is measured, not the limit.
"""

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from urllib.parse import urlencode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.throughput import SECRET, USER_AGENT, Server, server_env  # noqa: E402


class Crashable(Server):
    """The bench's gunicorn in a process group of its own, so SIGKILL reaches master and
    workers at once (as a power cut or the OOM killer would)."""

    def kill(self):
        os.killpg(os.getpgid(self.process.pid), signal.SIGKILL)
        self.process.wait()


def _popen_in_own_group():
    original = subprocess.Popen

    def popen(*args, **kwargs):
        kwargs["start_new_session"] = True
        return original(*args, **kwargs)

    return original, popen


def start(url, root=ROOT):
    env = server_env(url, root)
    env["MESSAGE_RATE_LIMIT"] = "100000 per minute"
    original, popen = _popen_in_own_group()
    subprocess.Popen = popen
    try:
        return Crashable("run:app", env, root=root)
    finally:
        subprocess.Popen = original


def build(url, users):
    """One stafetthaldar per user, each with a plan on a valid consent and a goal; returns per
    user the cookie, CSRF token, plan, goal and the participant id for activities."""
    from flask import g, session
    from flask_wtf.csrf import generate_csrf

    from tests import factories
    from webapp import create_app
    from webapp.db import database
    from webapp.models import MODELS, Goal, Membership, Participant
    from webapp.sessions import start_session

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "TESTING": True})
    writers = []
    with app.app_context():
        database.connect(reuse_if_open=True)
        database.drop_tables(MODELS, safe=True, cascade=not url.startswith("sqlite"))
        database.create_tables(MODELS)
        world = factories.World()
        serializer = app.session_interface.get_signing_serializer(app)
        for n in range(users):
            person = factories.employee(f"Skrivar {n}", f"skrivar{n}@bench.example", world.town,
                                        world.unit, Membership.COORDINATOR)
            plan = world.plan("valid_consent", holder=person, owner_name=f"Benk Barn {n}")
            goal = Goal.create(plan=plan, title="Ada les 15 minutt kvar dag", created_by=person)
            responsible = Participant.get((Participant.plan == plan)
                                          & (Participant.person == person))
            with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                          headers={"User-Agent": USER_AGENT}):
                start_session(person)
                g.pop("csrf_token", None)  # Flask-WTF keeps the last token in g: one each
                token = generate_csrf()
                cookie = app.config["SESSION_COOKIE_NAME"] + "=" + serializer.dumps(dict(session))
            writers.append({"cookie": cookie, "csrf": token, "plan": plan.id, "goal": goal.id,
                            "responsible": responsible.id})
        database.close()
    return writers


class Run:
    def __init__(self):
        self.port = None
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.errors = Counter()
        self.times = []
        self.acknowledged = {"message": set(), "activity": set(), "minutes": set()}
        self.samples = []  # the first few error answers, to say what they were


def writer(run, user, stop_at):
    headers = {"User-Agent": USER_AGENT, "Cookie": user["cookie"],
               "Content-Type": "application/x-www-form-urlencoded"}
    plan = user["plan"]
    connection, port = None, None
    turn = 0
    while time.monotonic() < stop_at:
        kind = ("message", "activity", "minutes")[turn % 3]
        turn += 1
        marker = uuid.uuid4().hex
        if kind == "message":
            path = f"/plans/{plan}/messages/new"
            data = {"to": "all", "subject": f"B {marker}", "body": "Benk: ei melding."}
        elif kind == "activity":
            path = f"/plans/{plan}/goals/{user['goal']}/activities/new"
            data = {"title": f"B {marker}", "when": "Kvar dag", "place": "home",
                    "responsible": user["responsible"]}
        else:
            path = f"/plans/{plan}/minutes/new"
            data = {"meeting": 0, "kind": "startup"}
        data["csrf_token"] = user["csrf"]
        if connection is None or port != run.port:
            if connection is not None:
                connection.close()
            port = run.port
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        try:
            connection.request("POST", path, body=urlencode(data), headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            with run.lock:
                run.errors[type(error).__name__] += 1
            connection.close()
            connection = None
            time.sleep(0.05)
            continue
        elapsed = (time.perf_counter() - start) * 1000
        with run.lock:
            run.times.append(elapsed)
            run.statuses[response.status] += 1
            if b"database is locked" in body:
                run.errors["database is locked"] += 1
            if response.status >= 400 and len(run.samples) < 3:
                title = re.search(rb"<title>([^<]*)</title>", body)
                run.samples.append((response.status, kind, title.group(1).decode()
                                    if title else body[:200].decode(errors="replace")))
            if response.status == 302:
                if kind == "minutes":
                    found = re.search(r"/minutes/(\d+)/edit", response.getheader("Location", ""))
                    run.acknowledged[kind].add(int(found.group(1)))
                else:
                    run.acknowledged[kind].add(f"B {marker}")
    if connection is not None:
        connection.close()


def count(url, run):
    from webapp import create_app
    from webapp.db import database, is_sqlite
    from webapp.models import Activity, Goal, Message, TimelineEvent

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "TESTING": True})
    report = {}
    with app.app_context():
        database.connect(reuse_if_open=True)
        messages = {m.subject for m in Message.select(Message.subject).where(
            (Message.kind == "message") & Message.subject.startswith("B "))}
        activities = {a.title for a in Activity.select(Activity.title).where(
            Activity.title.startswith("B "))}
        minutes = {m.id for m in Message.select(Message.id).where(Message.kind == "minutes")}
        report["present"] = {"message": len(messages), "activity": len(activities),
                             "minutes": len(minutes)}
        report["lost"] = {
            "message": len(run.acknowledged["message"] - messages),
            "activity": len(run.acknowledged["activity"] - activities),
            "minutes": len(run.acknowledged["minutes"] - minutes),
        }

        def events(kind):
            return TimelineEvent.select().where(TimelineEvent.kind == kind).count()

        # Every write has its event and no event is without its write (the pairing).
        report["unpaired"] = {
            "message": len(messages) - events("message_sent"),
            "activity": Activity.select().join(Goal).count() - events("activity_added"),
            "minutes": len(minutes) - events("minutes_written"),
        }
        if is_sqlite():
            report["integrity_check"] = database.execute_sql(
                "PRAGMA integrity_check").fetchone()[0]
        database.close()
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kill", action="store_true",
                        help="SIGKILL gunicorn half-way, restart it, go on")
    parser.add_argument("--app-root", default=ROOT,
                        help="serve another checkout's app (an older commit), to compare")
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    print(f"database {url.split('@')[-1]}, {args.users} writers, {args.seconds:g} s"
          + (", SIGKILL half-way" if args.kill else ""), flush=True)
    users = build(url, args.users)
    run = Run()
    server = start(url, args.app_root)
    servers = [server]
    run.port = server.port
    started = time.monotonic()
    stop_at = started + args.seconds
    threads = [threading.Thread(target=writer, args=(run, user, stop_at)) for user in users]
    for thread in threads:
        thread.start()
    try:
        if args.kill:
            time.sleep(args.seconds / 2)
            server.kill()
            killed = time.monotonic()
            print(f"  SIGKILL to gunicorn's process group at {killed - started:.1f} s",
                  flush=True)
            server = start(url, args.app_root)
            servers.append(server)
            run.port = server.port
            print(f"  restarted in {time.monotonic() - killed:.1f} s", flush=True)
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    times = sorted(run.times)
    acknowledged = {kind: len(found) for kind, found in run.acknowledged.items()}
    print(f"requests {len(times)} in {elapsed:.1f} s ({len(times) / elapsed:.1f}/s), "
          f"statuses {dict(sorted(run.statuses.items()))}")
    print(f"errors: by status {({s: n for s, n in run.statuses.items() if s >= 400})}, "
          f"connection {dict(run.errors)}")
    for status, kind, title in run.samples:
        print(f"  e.g. {status} on a {kind}: {title}")
    failures = [line.rstrip() for one in servers for line in one.log
                if re.match(r"[\w.]*(Error|Exception)\b", line) or "database is locked" in line]
    for line in failures[:5]:
        print(f"  server log: {line[:200]}")
    if times:
        print(f"p50 {statistics.median(times):.1f} ms, "
              f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms")
    report = count(url, run)
    print(f"acknowledged {acknowledged} (total {sum(acknowledged.values())})")
    print(f"present      {report['present']}")
    print(f"lost (acknowledged, not present) {report['lost']}")
    print(f"writes without their timeline event (or events without a write) "
          f"{report['unpaired']}")
    if "integrity_check" in report:
        print(f"PRAGMA integrity_check: {report['integrity_check']}")


if __name__ == "__main__":
    main()
