"""Fixtures: an app on a fresh database per test (SQLite by default, PostgreSQL when
``TEST_DATABASE_URL`` is set), logins by role, and plans in a given routine state."""

import contextvars
import functools
import os
import re
import secrets
import socket
import threading
import time
from datetime import date
from email import message_from_bytes
from email import policy as email_policy
from html import escape
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import pytest
from argon2 import profiles
from flask.testing import FlaskClient

from tests import factories
from tests.oidc_provider import idporten, oidc_provider  # noqa: F401 - fixtures (ID-porten)
from webapp import create_app, deferred, passwords
from webapp.db import database
from webapp.extensions import limiter, login_manager
from webapp.identity import make_synthetic
from webapp.models import MODELS, AuthSession, Message, Participant

# Real argon2id at argon2-cffi's cheapest parameters, its profile for tests: the default costs a
# quarter of a CPU-second for each of the suite's many logins (passwords.use_parameters).
passwords.use_parameters(profiles.CHEAPEST)
# PostgreSQL: a commit does not wait for the WAL to reach the disk (a per-session setting that
# libpq passes on; nothing in a test outlives a crash of the server). The factories commit row
# by row, and the wait was a third of the PostgreSQL run.
os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite in this session's temporary folder, or ``TEST_DATABASE_URL``; under pytest-xdist
    each worker has a PostgreSQL database of its own, ``<name>_gw0``, made if missing."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _database_of_worker(url, worker) if worker else url


def _database_of_worker(url, worker):
    """``url`` with the database ``<name>_<worker>``, created (on the same server, through the
    database ``url`` names) if it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = f"{unquote(parts.path.lstrip('/'))}_{worker}"
    connection = psycopg2.connect(url)
    try:
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()
    return urlunsplit(parts._replace(path="/" + quote(name)))


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's own app context, so every request gets a fresh
    ``g`` as in production (otherwise Flask reuses the pushed context: one client's login and the
    policy's per-request caches would leak into another client's requests)."""

    def open(self, *args, **kwargs):
        # Buffered, as a server sends a response: read to the end and closed; and the work
        # done after the request (``webapp.deferred``: a login code, the development outbox
        # sender) has run when the test reads on. ``buffered=False`` leaves both to the test.
        buffered = kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if buffered:
            assert deferred.drain(), "work after the request did not finish"
        return response


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "ALLOW_SYNTHETIC_IDS": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough",
            "SMTP_HOST": "127.0.0.1",
        }
    )
    with app.app_context():
        database.connect(reuse_if_open=True)
        database.drop_tables(MODELS, safe=True, cascade=True) if not database_url.startswith(
            "sqlite"
        ) else database.drop_tables(MODELS, safe=True)
        database.create_tables(MODELS)
        database.close()
    # Uploaded scans and archived PDFs in this session's own folder, not the checkout's
    # instance/: neither a developer's files nor another test process's are touched.
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    app.test_client_class = IsolatedClient
    return app


def _clear_tables():
    """Empty every table, and on PostgreSQL start every used sequence at 1 again (as SQLite's
    ids do once a table is empty). DELETE, not TRUNCATE: the tables hold a few rows, and
    TRUNCATE's new files for 35 tables and their indexes cost a second a test here."""
    with database.atomic():
        for model in reversed(MODELS):
            model.delete().execute()
    if not database_url_is_sqlite():
        database.execute_sql(
            "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), 1, false)"
            " FROM pg_sequences WHERE last_value IS NOT NULL")


def database_url_is_sqlite():
    from webapp.db import is_sqlite

    return is_sqlite()


@pytest.fixture(autouse=True)
def _fresh_database(request, app):
    """Every test starts from empty tables and a fresh rate-limit store."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        _clear_tables()
        limiter.reset()
        yield
        if not database.is_closed():
            database.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(client):
    """``login_as(person)`` logs the test client in as ``person`` (through the real form)."""

    def login(person, password=factories.PASSWORD):
        response = client.post("/login", data={"email": person.email, "password": password})
        assert response.status_code == 302, response.text
        return client

    return login


@pytest.fixture
def world():
    """A municipality with units, staff in every employee role and a foreign municipality."""
    return factories.World()


def csrf_token_from(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else None


@functools.cache
def _catalogue(language):
    from babel.messages.pofile import read_po

    path = Path(__file__).parent.parent / "translations" / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as f:
        return read_po(f, locale=language)


def tr(msgid, language="nn", html=True, **params):
    """What the user sees for the source string ``msgid`` in ``language`` (nynorsk by
    default, as the app), HTML-escaped like the page unless ``html=False``."""
    message = _catalogue(language).get(msgid)
    text = message.string if message is not None and message.string else msgid
    if params:
        text = text % params
    return escape(text, quote=True) if html else text


def sign_in(client, person):
    """Log a family member in (they log in with a code, not a password): a real server-side
    session, as ``sessions.start_session`` makes it."""
    token = secrets.token_urlsafe(32)
    AuthSession.create(token=token, person=person, method="code")
    with client.application.test_request_context(environ_base=client.environ_base):
        ident = login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
        session["_id"] = ident
    return client


# --- What a person does, in one call (shared by the area tests) -------------------------------

NEXT_YEAR = date.today().year + 1


def years_ago(years, today=None):
    """A birth date ``years`` full years before ``today`` (15 January, never a birthday)."""
    today = today or date.today()
    return date(today.year - years, 1, 15) if (today.month, today.day) > (1, 15) else date(
        today.year - years - 1, 1, 15)


def answer_inform(client):
    """The wizard's step 1.1: the family is informed."""
    response = client.post("/plans/new/inform-family", data={"informed": "y"})
    assert response.status_code == 302, response.text
    return response


def answer_owner(client, birth=date(2019, 6, 1), name="Test Barn", **extra):
    """The wizard's step 1.3: the plan owner's (synthetic) identity number and name."""
    data = {"national_id": make_synthetic(birth), "name": name, **extra}
    return client.post("/plans/new/plan-owner", data=data)


def plan_meeting(client, plan, **data):
    """Plan a meeting (an evaluation next year by default) with every participant invited and
    the stafetthaldar taking the minutes; ``data`` overrides the form."""
    people = list(Participant.select().where(Participant.plan == plan))
    form = {"kind": "evaluation", "day": f"{NEXT_YEAR}-03-10", "starts": "14:00",
            "place": "Møterom 2", "invited": [p.id for p in people],
            "minute_taker": next(p.id for p in people if p.role == "stafetthaldar")}
    form.update(data)
    return client.post(f"/plans/{plan.id}/meetings/new", data=form)


def start_minutes(client, plan, meeting=None, kind="startup"):
    """Start minutes for ``meeting`` (``None``: a meeting of ``kind`` held now); the new
    minutes."""
    data = {"meeting": meeting.id, "kind": meeting.kind} if meeting else {"meeting": 0,
                                                                          "kind": kind}
    response = client.post(f"/plans/{plan.id}/minutes/new", data=data)
    assert response.status_code == 302, response.text
    return Message.select().where(Message.kind == Message.MINUTES).order_by(
        Message.id.desc()).first()


@pytest.fixture
def config(app):
    """``config(KEY=value)`` changes app settings for one test."""
    saved = {}

    def set_(**values):
        for key in values:
            saved.setdefault(key, app.config.get(key))
        app.config.update(values)

    yield set_
    app.config.update(saved)


class SmtpInbox:
    """What the test SMTP server received: ``messages`` is a list of
    ``email.message.EmailMessage`` (with ``.recipients``, the envelope's RCPT TO), oldest first."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=email_policy.default)
        message.recipients = [address.lower() for address in envelope.rcpt_tos]
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        """The messages sent to ``address``, oldest first."""
        with self._lock:
            return [m for m in self.messages if address.lower() in m.recipients]

    def wait_for_code(self, address, timeout=5):
        """The six-digit code in the latest message to ``address``, waiting up to ``timeout``
        seconds for one to arrive; fails the test if none does."""
        deadline = time.monotonic() + timeout
        while True:
            for message in reversed(self.to(address)):
                match = re.search(r"\b(\d{6})\b", message.get_content())
                if match:
                    return match.group(1)
            if time.monotonic() > deadline:
                raise AssertionError(f"No code arrived for {address} within {timeout} s")
            time.sleep(0.05)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, for one test.

    While it runs, the app sends to it (``SMTP_HOST``/``SMTP_PORT``) and sends due outbox
    messages after every request (``OUTBOX_SEND_AFTER_REQUEST``), as in development, so a code
    asked for on a page has arrived when the response is back. Yields an ``SmtpInbox``:
    ``.messages`` (every message received) and ``.wait_for_code(address, timeout=5)`` (the
    six-digit code in the latest message to ``address``). Messages queued outside a request
    (e.g. ``codes.issue`` in the test) need ``webapp.outbox.send_due()`` first. The app's
    settings are restored afterwards."""
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    keys = ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS", "SMTP_USERNAME",
            "OUTBOX_SEND_AFTER_REQUEST")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False,
                      SMTP_USERNAME="", OUTBOX_SEND_AFTER_REQUEST=True)
    try:
        yield inbox
    finally:
        app.config.update(saved)
        controller.stop()
