"""Work done after the request, off the response's path (``after_response``).

For work whose cost must not show in the response time: asking for a login code answers as
fast for an unknown address as for a known one, because looking the address up and queuing the
code happen in a worker thread, not in the request (issue 13 item 9). Jobs run one at a time,
in the order they were submitted, in one daemon thread per process (started on first use, so
each gunicorn worker has its own), in an app context with their own database connection; a job
that fails is logged and never touches a response.

A queue rather than WSGI ``close()``: werkzeug's development server skips ``close()`` when the
browser has already dropped the connection, so a job hung on it was sometimes lost.
"""

import logging
import queue
import threading
import time

from flask import current_app, g, has_request_context

from webapp.db import database

log = logging.getLogger(__name__)

_jobs = queue.Queue()
_worker = None
_lock = threading.Lock()


def _run(app, job):
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            job()
        except Exception:  # noqa: BLE001 - the response has gone; the log is all that is left
            log.exception("Work after the response failed")
        finally:
            if not database.is_closed():
                database.close()


def _work():
    while True:
        app, job = _jobs.get()
        try:
            _run(app, job)
        finally:
            _jobs.task_done()


def after_response(job):
    """Run ``job()`` in the process's worker thread, after the current request: handed to the
    worker when the request is torn down (its response made), not at once, so the job's work
    never competes with the rest of the request for the interpreter (a known address's code,
    issued while the request was still finishing, made that request measurably slower than an
    unknown address's: tests/test_code_login.py). Outside a request, at once."""
    if has_request_context():
        g.setdefault("_deferred_jobs", []).append(job)
    else:
        _submit(current_app._get_current_object(), job)


def _submit(app, job):
    global _worker
    with _lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="deferred-work", daemon=True)
            _worker.start()
    _jobs.put((app, job))


def init_app(app):
    @app.teardown_request
    def _hand_over(_exc):
        for job in g.pop("_deferred_jobs", ()):
            _submit(app, job)


def drain(timeout=30):
    """Wait until every submitted job has run (tests, and a clean shutdown); True if so."""
    deadline = time.monotonic() + timeout
    while _jobs.unfinished_tasks:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True
