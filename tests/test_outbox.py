"""The outbox sender (issue 3 item 5): e-mail over a real local SMTP server, SMS through the
console and HTTP gateways, retries with backoff while the mail server is down, no double
sending, the command, the development page, and no personal data in any message."""

import json
import logging
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests import factories
from tests.conftest import _free_port, tr
from webapp import codes, notify, outbox
from webapp.models import OutboxMessage, utcnow


def queued(channel="email", recipient="gunn@test.example", body="Hei"):
    return OutboxMessage.create(channel=channel, recipient=recipient, subject="Stafettlogg",
                                body=body)


def fresh(message):
    return OutboxMessage.get_by_id(message.id)


def test_sender_delivers_email_over_smtp(app, smtp_server):
    person = factories.family_member("Gunn Føresett", "gunn@test.example")
    [message] = notify.notify(person, "invitation")
    assert outbox.send_due() == (1, 0)
    [mail] = smtp_server.messages
    assert mail.recipients == ["gunn@test.example"]
    assert mail["To"] == "gunn@test.example"
    assert mail["From"] == app.config["MAIL_FROM"]
    assert mail["Subject"] == message.subject
    assert mail.get_content().strip() == message.body
    assert app.config["PUBLIC_URL"] in mail.get_content()  # the link to log in
    row = fresh(message)
    assert row.sent_at is not None and row.attempts == 0 and row.last_error is None
    assert outbox.send_due() == (0, 0)  # sent once only
    assert len(smtp_server.messages) == 1


def test_smtp_down_keeps_the_message_and_backs_off_until_it_is_delivered(app, config):
    from aiosmtpd.controller import Controller

    from tests.conftest import SmtpInbox

    port = _free_port()  # nothing listens here yet
    config(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=2)
    first, second = queued(recipient="a@test.example"), queued(recipient="b@test.example")
    now = utcnow()
    assert outbox.send_due(now=now) == (0, 2)
    for message in (first, second):
        row = fresh(message)
        assert row.sent_at is None and row.attempts == 1
        assert "Connection" in row.last_error or "refused" in row.last_error.lower()
        assert row.next_attempt_at == now + timedelta(minutes=1)

    assert outbox.send_due(now=now + timedelta(seconds=30)) == (0, 0)  # not due yet
    assert outbox.send_due(now=now + timedelta(minutes=1)) == (0, 2)
    assert fresh(first).attempts == 2
    assert fresh(first).next_attempt_at == now + timedelta(minutes=1) + timedelta(minutes=2)

    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert outbox.send_due(now=now + timedelta(minutes=3)) == (2, 0)
    finally:
        controller.stop()
    assert sorted(r for m in inbox.messages for r in m.recipients) == [
        "a@test.example", "b@test.example"]
    row = fresh(first)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error is None
    assert OutboxMessage.select().count() == 2  # never deleted


def test_backoff_doubles_and_stops_at_an_hour():
    minutes = [outbox.backoff(n).total_seconds() / 60 for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_claimed_messages_are_not_sent_by_a_second_sender():
    message = queued()
    now = utcnow()
    assert [m.id for m in outbox._claim(now, 10)] == [message.id]
    assert outbox._claim(now, 10) == []  # the other sender sees nothing due
    # A sender that died mid-send leaves the message to be retried after the lease.
    assert [m.id for m in outbox._claim(now + outbox.LEASE, 10)] == [message.id]


def test_limit_and_order(smtp_server):
    messages = [queued(recipient=f"p{n}@test.example") for n in range(3)]
    assert outbox.send_due(limit=2) == (2, 0)
    assert [fresh(m).sent_at is not None for m in messages] == [True, True, False]
    assert outbox.send_due(limit=2) == (1, 0)


def test_sms_console_gateway_logs_the_text(config, caplog):
    config(SMS_GATEWAY="console")
    message = queued(channel="sms", recipient="+4791234567", body="Koden din er 123456.")
    with caplog.at_level(logging.INFO, logger="webapp.outbox"):
        assert outbox.send_due() == (1, 0)
    assert "+4791234567" in caplog.text and "Koden din er 123456." in caplog.text
    assert fresh(message).sent_at is not None


class _Gateway(BaseHTTPRequestHandler):
    received = []
    status = 200

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        type(self).received.append(
            (self.path, self.headers.get("Authorization"), self.headers["Content-Type"],
             json.loads(self.rfile.read(length)))
        )
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_gateway():
    _Gateway.received = []
    _Gateway.status = 200
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Gateway
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_sms_http_gateway_posts_json_with_a_bearer_token(config, http_gateway):
    url, gateway = http_gateway
    config(SMS_GATEWAY="http", SMS_GATEWAY_URL=url + "/sms", SMS_GATEWAY_TOKEN="s3cret")
    message = queued(channel="sms", recipient="+4791234567", body="Koden din er 123456.")
    assert outbox.send_due() == (1, 0)
    assert gateway.received == [("/sms", "Bearer s3cret", "application/json",
                                 {"to": "+4791234567", "text": "Koden din er 123456."})]
    assert fresh(message).sent_at is not None


def test_sms_http_gateway_failure_is_retried(config, http_gateway):
    url, gateway = http_gateway
    gateway.status = 503
    config(SMS_GATEWAY="http", SMS_GATEWAY_URL=url, SMS_GATEWAY_TOKEN="")
    message = queued(channel="sms", recipient="+4791234567")
    now = utcnow()
    assert outbox.send_due(now=now) == (0, 1)
    row = fresh(message)
    assert row.sent_at is None and row.attempts == 1 and "503" in row.last_error
    assert gateway.received[0][1] is None  # no token, no Authorization header
    gateway.status = 200
    assert outbox.send_due(now=now + timedelta(minutes=1)) == (1, 0)


def test_a_misconfigured_sms_gateway_does_not_lose_the_message(config):
    config(SMS_GATEWAY="carrier-pigeon")
    message = queued(channel="sms", recipient="+4791234567")
    assert outbox.send_due() == (0, 1)
    assert "carrier-pigeon" in fresh(message).last_error


def test_no_message_carries_a_name(world, smtp_server):
    plan = world.plan(state="created", owner_name="Ada Eksempel")
    people = [factories.family_member("Gunn Føresett", "gunn@test.example"),
              factories.family_member("Ylva Ungdom", "ylva@test.example", "+4791234567")]
    for person in people:
        for kind in notify.KINDS:
            notify.notify(person, kind, plan)
        codes.issue(person, codes.LOGIN)
    sent, failed = outbox.send_due(limit=1000)
    assert failed == 0 and sent == OutboxMessage.select().count()
    names = {part for person in [*people, world.coordinator] for part in person.name.split()}
    names |= {plan.owner_name, *plan.owner_name.split(), world.unit.name}
    for row in OutboxMessage.select():
        for name in names:
            assert name not in row.body and name not in row.subject, (name, row.body)
    for mail in smtp_server.messages:
        for name in names:
            assert name not in mail.get_content() and name not in mail["Subject"]


def test_send_outbox_command(app, smtp_server):
    queued()
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output
    assert len(smtp_server.messages) == 1


def test_sending_after_the_request_never_breaks_the_page(app, client, config):
    factories.family_member("Gunn Føresett", "gunn@test.example")
    config(OUTBOX_SEND_AFTER_REQUEST=True, SMTP_HOST="127.0.0.1", SMTP_PORT=_free_port(),
           SMTP_TIMEOUT=2)
    queued(recipient="gunn@test.example")
    response = client.get("/login")
    assert response.status_code == 200
    row = OutboxMessage.get()
    assert row.sent_at is None and row.attempts == 1 and row.last_error


@pytest.mark.parametrize(("env", "testing", "setting", "expected"), [
    ("development", False, None, True),
    ("development", True, None, False),
    ("production", False, None, False),
    ("production", False, True, True),
    ("development", False, False, False),
])
def test_sending_after_the_request_is_on_by_default_only_in_development(
        env, testing, setting, expected):
    from flask import Flask

    bare = Flask("bare")
    bare.config.update(ENV_NAME=env, TESTING=testing, OUTBOX_SEND_AFTER_REQUEST=setting)
    outbox.init_app(bare)
    assert bare.config["OUTBOX_SEND_AFTER_REQUEST"] is expected


def test_development_outbox_page_lists_messages(client, smtp_server):
    person = factories.family_member("Gunn Føresett", "gunn@test.example")
    code = codes.issue(person, codes.LOGIN)
    failed = queued(recipient="down@test.example")
    OutboxMessage.update(attempts=2, last_error="ConnectionRefusedError: nope").where(
        OutboxMessage.id == failed.id).execute()
    page = client.get("/dev/outbox")
    assert page.status_code == 200
    assert code in page.text and "gunn@test.example" in page.text
    assert "ConnectionRefusedError: nope" in page.text
    assert tr("Outbox (development)") in page.text
    assert re.search(r"<h1>", page.text)


def test_development_outbox_page_is_404_in_production_and_from_elsewhere(app, client):
    queued()
    assert client.get("/dev/outbox", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 404
    # Through a reverse proxy on the same machine (development mode left on by mistake).
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        assert client.get("/dev/outbox", headers={header: "203.0.113.9"}).status_code == 404
    app.config["ENV_NAME"] = "production"
    try:
        assert client.get("/dev/outbox").status_code == 404
    finally:
        app.config["ENV_NAME"] = "development"


def test_two_senders_at_once_send_each_message_once(app, smtp_server):
    for n in range(40):
        queued(recipient=f"p{n}@test.example")
    config = dict(app.config)
    results, errors = [], []

    def sender():
        from webapp.db import database

        try:
            database.connect(reuse_if_open=True)
            results.append(outbox.send_due(limit=7, config=config))
            results.append(outbox.send_due(limit=100, config=config))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            database.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sum(sent for sent, _ in results) == 40
    recipients = [r for m in smtp_server.messages for r in m.recipients]
    assert sorted(recipients) == sorted(f"p{n}@test.example" for n in range(40))
    assert OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count() == 0


def test_an_invitation_links_to_the_configured_public_url(world, login_as, smtp_server, config,
                                                          http_gateway):
    """A guardian added on the participants page gets an e-mail (through the real SMTP
    conversation) and a text message that link to PUBLIC_URL, not to a development address
    (issue 8 item 2)."""
    url, gateway = http_gateway
    config(PUBLIC_URL="https://stafettlogg.testvik.example", SMS_GATEWAY="http",
           SMS_GATEWAY_URL=url + "/send")
    plan = world.plan("created", guardians=0)
    client = login_as(world.coordinator)
    response = client.post(
        f"/plans/{plan.id}/participants/new",
        data={"role": "guardian", "name": "Gunn Føresett", "email": "gunn@test.example",
              "mobile": "91234567", "shares": "yes"},
    )
    assert response.status_code == 302, response.text
    [mail] = smtp_server.to("gunn@test.example")  # sent after the request, as in development
    assert "https://stafettlogg.testvik.example" in mail.get_content()
    [(_path, _auth, _type, sms)] = gateway.received
    assert "https://stafettlogg.testvik.example" in sms["text"]
    for text in (mail.get_content(), sms["text"]):
        assert "127.0.0.1" not in text and "Gunn" not in text


def test_a_message_that_keeps_failing_becomes_a_dead_letter_that_an_operator_retries(
        app, config):
    """Issue 13 item 8: after OUTBOX_MAX_ATTEMPTS failed tries the message is set aside, not
    tried hourly forever; `flask outbox dead` lists it, `flask outbox retry` queues it and it
    is delivered exactly once when the mail server is back."""
    from aiosmtpd.controller import Controller

    from tests.conftest import SmtpInbox

    port = _free_port()  # nothing listens here: every try fails
    config(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=2, OUTBOX_MAX_ATTEMPTS=3)
    message, healthy = queued(recipient="gone@test.example"), queued(recipient="ok@test.example")
    now = utcnow()
    for step in range(3):
        assert outbox.send_due(now=now + timedelta(hours=step)) == (0, 2)
    row = fresh(message)
    assert row.attempts == 3 and row.dead_at is not None and row.sent_at is None
    assert outbox.send_due(now=now + timedelta(days=1)) == (0, 0)  # set aside: not tried
    assert [m.id for m in outbox.dead_letters()] == [message.id, healthy.id]

    runner = app.test_cli_runner()
    listed = runner.invoke(args=["outbox", "dead"])
    assert listed.exit_code == 0, listed.output
    assert "gone@test.example" in listed.output and "2 dead letters." in listed.output
    assert runner.invoke(args=["outbox", "retry"]).exit_code != 0  # ids or --all
    retried = runner.invoke(args=["outbox", "retry", str(message.id)])
    assert retried.exit_code == 0 and "1 messages queued again." in retried.output
    row = fresh(message)
    assert row.dead_at is None and row.attempts == 0
    assert fresh(healthy).dead_at is not None  # only the one named

    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert outbox.send_due() == (1, 0)
        assert outbox.send_due(now=utcnow() + timedelta(days=1)) == (0, 0)  # exactly once
        assert runner.invoke(args=["outbox", "retry", "--all"]).output.startswith("1 ")
        assert outbox.send_due() == (1, 0)
    finally:
        controller.stop()
    assert sorted(r for m in inbox.messages for r in m.recipients) == [
        "gone@test.example", "ok@test.example"]
    assert outbox.dead_letters() == []
