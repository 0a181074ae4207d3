"""The outbox sender: delivers queued ``OutboxMessage`` rows by e-mail (SMTP) and SMS (a gateway).

Messages are written to the outbox in the same transaction as the event that caused them
(``webapp.notify``). This module sends them later: from ``flask send-outbox`` (cron, or
``--loop`` as a service) and, in development, after each request.

- A message is claimed before it is sent: in one short write transaction the due rows are
  selected (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises
  writers) and their ``next_attempt_at`` is moved a lease ahead. Another sender sees them as not
  due, so two senders never send the same message; a sender that dies mid-send leaves the rows
  to be picked up again when the lease runs out.
- On success ``sent_at`` is set. On failure ``attempts`` grows, ``last_error`` says why and
  ``next_attempt_at`` backs off exponentially (1, 2, 4 ... minutes, at most an hour). Rows are
  never deleted: nothing is lost while the mail server or the SMS gateway is down.
- After ``OUTBOX_MAX_ATTEMPTS`` failed tries a message is a dead letter (``dead_at``): it is no
  longer tried, ``flask outbox dead`` lists it for an operator and ``flask outbox retry``
  queues it again (attempts from zero). A wrong address does not retry hourly forever.
- SMS goes through a gateway chosen by ``SMS_GATEWAY``: ``console`` (logs the text; for
  development) or ``http`` (POSTs JSON ``{"to", "text"}`` to ``SMS_GATEWAY_URL``, with
  ``Authorization: Bearer SMS_GATEWAY_TOKEN`` when set). Add a gateway to ``SMS_GATEWAYS``.
"""

import functools
import json
import logging
import smtplib
import ssl
import urllib.request
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlparse

from flask import current_app, request

from webapp.db import immediate, is_sqlite
from webapp.deferred import after_response
from webapp.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claimed message is not due again before this (crashed sender)
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts):
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4 ... minutes, ≤ 1 h."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


# --- SMS gateways ---------------------------------------------------------------------------


class ConsoleGateway:
    """Writes the text message to the log instead of sending it (development)."""

    def __init__(self, config):
        pass

    def send(self, to, text):
        log.warning("SMS (console gateway, not sent) to %s: %s", to, text)


class HttpGateway:
    """POSTs ``{"to": ..., "text": ...}`` as JSON to ``SMS_GATEWAY_URL``; any 2xx is success."""

    def __init__(self, config):
        self.url = config.get("SMS_GATEWAY_URL") or ""
        self.token = config.get("SMS_GATEWAY_TOKEN") or ""
        self.timeout = config.get("SMTP_TIMEOUT", 10)
        if urlparse(self.url).scheme not in ("http", "https"):
            raise RuntimeError("SMS_GATEWAY_URL must be an http(s) URL")

    def send(self, to, text):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        req = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url, data=json.dumps({"to": to, "text": text}).encode(), headers=headers,
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise RuntimeError(f"SMS gateway answered {response.status}")


SMS_GATEWAYS = {"console": ConsoleGateway, "http": HttpGateway}


def sms_gateway(config):
    name = config.get("SMS_GATEWAY", "console")
    if name not in SMS_GATEWAYS:
        raise RuntimeError(f"Unknown SMS_GATEWAY {name!r} (one of {', '.join(SMS_GATEWAYS)})")
    return SMS_GATEWAYS[name](config)


# --- E-mail ---------------------------------------------------------------------------------


class SmtpMailer:
    """One SMTP connection per run, opened on the first e-mail; a failed connection is not
    retried within the same run (every e-mail in it then fails and is retried later)."""

    def __init__(self, config):
        self.config = config
        self.connection = None
        self.broken = None

    def _connect(self):
        c = self.config
        connection = smtplib.SMTP(c["SMTP_HOST"], c["SMTP_PORT"], timeout=c["SMTP_TIMEOUT"])
        try:
            if c.get("SMTP_STARTTLS"):
                connection.starttls(context=ssl.create_default_context())
            if c.get("SMTP_USERNAME"):
                connection.login(c["SMTP_USERNAME"], c.get("SMTP_PASSWORD", ""))
        except Exception:
            connection.close()
            raise
        return connection

    def send(self, to, subject, body):
        if self.broken is not None:
            raise self.broken
        if self.connection is None:
            try:
                self.connection = self._connect()
            except (OSError, smtplib.SMTPException) as error:
                self.broken = error
                raise
        message = EmailMessage()
        message["From"] = self.config["MAIL_FROM"]
        message["To"] = to
        message["Subject"] = subject or "Stafettlogg"
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain="stafettlogg")
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body)
        try:
            self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise  # the connection is still good
        except (OSError, smtplib.SMTPException):
            self.close()
            raise

    def close(self):
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


# --- The sender -----------------------------------------------------------------------------


def _claim(now, limit):
    """Claim up to ``limit`` due messages for this sender; returns them."""
    with immediate():
        query = (
            OutboxMessage.select()
            .where(OutboxMessage.sent_at.is_null() & OutboxMessage.dead_at.is_null()
                   & (OutboxMessage.next_attempt_at <= now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if not is_sqlite():
            query = query.for_update(skip_locked=True, of=OutboxMessage)
        messages = list(query)
        if messages:
            (
                OutboxMessage.update(next_attempt_at=now + LEASE)
                .where(OutboxMessage.id.in_([m.id for m in messages]))
                .execute()
            )
    return messages


def _describe(error):
    text = f"{type(error).__name__}: {error}".strip()
    return text[:500]


def send_due(now=None, limit=100, config=None):
    """Send up to ``limit`` messages that are due at ``now``; returns ``(sent, failed)``."""
    config = config if config is not None else current_app.config
    now = now or utcnow()
    messages = _claim(now, limit)
    if not messages:
        return 0, 0
    max_attempts = config.get("OUTBOX_MAX_ATTEMPTS", 12)
    mailer = SmtpMailer(config)
    gateway = None
    sent = failed = 0
    try:
        for message in messages:
            try:
                if message.channel == "email":
                    mailer.send(message.recipient, message.subject, message.body)
                elif message.channel == "sms":
                    gateway = gateway or sms_gateway(config)
                    gateway.send(message.recipient, message.body)
                else:
                    raise RuntimeError(f"Unknown channel {message.channel!r}")
            except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
                attempts = message.attempts + 1
                dead = attempts >= max_attempts
                (
                    OutboxMessage.update(
                        attempts=attempts,
                        last_error=_describe(error),
                        next_attempt_at=now + backoff(attempts),
                        dead_at=now if dead else None,
                    )
                    .where(OutboxMessage.id == message.id)
                    .execute()
                )
                log.warning("Outbox message %s not sent (attempt %s%s): %s", message.id, attempts,
                            ", set aside as a dead letter" if dead else "", _describe(error))
                failed += 1
            else:
                (
                    OutboxMessage.update(sent_at=utcnow(), last_error=None)
                    .where(OutboxMessage.id == message.id)
                    .execute()
                )
                sent += 1
    finally:
        mailer.close()
    return sent, failed


def dead_letters():
    """The messages set aside after too many failed tries, oldest first."""
    return list(
        OutboxMessage.select()
        .where(OutboxMessage.dead_at.is_null(False) & OutboxMessage.sent_at.is_null())
        .order_by(OutboxMessage.dead_at, OutboxMessage.id)
    )


def retry_dead(ids=None, now=None):
    """Queue dead letters again (those in ``ids``, or all): due at once, attempts from zero.
    Returns how many were queued."""
    query = OutboxMessage.update(dead_at=None, attempts=0, next_attempt_at=now or utcnow()).where(
        OutboxMessage.dead_at.is_null(False) & OutboxMessage.sent_at.is_null()
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    return query.execute()


def init_app(app):
    """Send due messages after each request when ``OUTBOX_SEND_AFTER_REQUEST`` is on (by
    default only in development, never in tests): in the worker thread of ``webapp.deferred``,
    after the request's own deferred work (a login code), so a page never waits for the mail
    server and a failure never breaks it."""
    if app.config.get("OUTBOX_SEND_AFTER_REQUEST") is None:
        app.config["OUTBOX_SEND_AFTER_REQUEST"] = (
            app.config["ENV_NAME"] == "development" and not app.config.get("TESTING")
        )

    @app.after_request
    def _send_outbox(response):
        if not app.config["OUTBOX_SEND_AFTER_REQUEST"] or request.endpoint == "static":
            return response
        after_response(functools.partial(send_due, limit=20))
        return response
