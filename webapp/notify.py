"""Notifications: written to the outbox in the caller's transaction, sent later by the sender.

A notification says only that something is waiting, never what (SPEC §3.8): no names, no
content, no plan. One-time codes are the exception that carries a code, and nothing else.
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.models import OutboxMessage

# What happened, and the sentence the person gets. Kinds are fixed: callers cannot add text.
KINDS = ("invitation", "new_item", "consent_to_sign", "meeting")


def _texts(kind):
    link = current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000")
    subject = _("Stafettlogg")
    if kind == "invitation":
        body = _("You have been invited to a stafettlogg. Log in to read it: %(link)s", link=link)
    elif kind == "consent_to_sign":
        body = _("A consent in a stafettlogg is waiting for your signature. Log in: %(link)s",
                 link=link)
    elif kind == "meeting":
        body = _("You have a new meeting invitation in a stafettlogg. Log in: %(link)s", link=link)
    else:
        body = _("You have a new item in a stafettlogg. Log in to read it: %(link)s", link=link)
    return subject, body


def _addresses(person):
    if person.email:
        yield "email", person.email
    if person.mobile:
        yield "sms", person.mobile


def notify(person, kind):
    """Queue a content-free notification of ``kind`` to ``person``'s e-mail and mobile."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    with force_locale(person.language or "nn"):
        subject, body = _texts(kind)
    return [
        OutboxMessage.create(channel=channel, recipient=address, subject=str(subject),
                             body=str(body))
        for channel, address in _addresses(person)
    ]


def send_code(person, code, channel=None):
    """Queue a one-time code to ``person`` (by ``channel``, or every address they have)."""
    with force_locale(person.language or "nn"):
        subject = _("Your code for Stafettlogg")
        body = _("Your one-time code is %(code)s. It is valid for 10 minutes. If you did not ask "
                 "for it, ignore this message.", code=code)
    return [
        OutboxMessage.create(channel=ch, recipient=address, subject=str(subject), body=str(body))
        for ch, address in _addresses(person)
        if channel in (None, ch)
    ]
