"""Work done after the response has been sent (``after_response``).

For work whose cost must not show in the response time: asking for a login code answers as
fast for an unknown address as for a known one, because looking the address up and queuing the
code happen after the answer has left (issue 13 item 9). The job runs in the same worker, in an
app context with its own database connection, once the server has sent the response and closed
it (WSGI ``close()``, which gunicorn and the development server call); a job that fails is
logged and never touches the response.
"""

import functools
import logging

from flask import after_this_request, current_app

from webapp.db import database

log = logging.getLogger(__name__)


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


def on_close(response, job):
    """Run ``job()`` once ``response`` has been sent (jobs run in the order they were added)."""
    response.call_on_close(functools.partial(_run, current_app._get_current_object(), job))
    return response


def after_response(job):
    """Run ``job()`` after the current request's response has been sent."""

    @after_this_request
    def _register(response):
        return on_close(response, job)
