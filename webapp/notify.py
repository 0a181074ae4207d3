"""Notifications: written to the outbox in the caller's transaction, sent later by the sender.

A notification says only that something is waiting, never what (SPEC §3.8): no names, no
content, no plan. One-time codes are the exception that carries a code, and nothing else.

A burst of new items must not become a burst of e-mails and text messages: a person gets at
most one ``new_item`` and one ``meeting`` notification per plan within
``NOTIFY_WINDOW_MINUTES`` (what came in the meantime waits in the log, unread). Invitations,
consents to sign and one-time codes always go out: each asks the person to do something only
they can do, and a code withheld is a login refused.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.models import NotificationThrottle, OutboxMessage, utcnow

# What happened, and the sentence the person gets (``%(link)s`` is PUBLIC_URL). Kinds are
# fixed: callers cannot add text.
BODIES = {
    "invitation": _l("You have been invited to a stafettlogg. Log in to read it: %(link)s"),
    "new_item": _l("You have a new item in a stafettlogg. Log in to read it: %(link)s"),
    "consent_to_sign": _l("A consent in a stafettlogg is waiting for your signature. Log in: "
                          "%(link)s"),
    "meeting": _l("You have a new meeting invitation in a stafettlogg. Log in: %(link)s"),
    "baton": _l("You are now the stafetthaldar of a stafettlogg. Log in: %(link)s"),
    "transfer": _l("A stafettlogg is waiting for your answer about a transfer to your unit. "
                   "Log in: %(link)s"),
    # The leader's duties and the reminders (webapp/leader, ``flask send-reminders``).
    "new_stafetthaldar": _l("A stafettlogg you take part in has a new stafetthaldar. Log in to "
                            "see who: %(link)s"),
    "evaluation_asked": _l("Your leader asks for the evaluation in a stafettlogg whose deadline "
                           "has passed. Log in: %(link)s"),
    "evaluation_soon": _l("An evaluation in a stafettlogg where you are stafetthaldar is due "
                          "within a week. Log in: %(link)s"),
    "evaluation_overdue": _l("The deadline for an evaluation in a stafettlogg where you are "
                             "stafetthaldar has passed. Log in: %(link)s"),
    "review_due": _l("The review of your unit's stafettloggar is due. Log in: %(link)s"),
}
KINDS = tuple(BODIES)
# At most one of each of these per person and plan within NOTIFY_WINDOW_MINUTES. A meeting
# invitation is something to turn up to, so a notice of new items does not stand in for it.
THROTTLED = ("new_item", "meeting", "evaluation_asked")


def _texts(kind):
    """The subject and the body of ``kind``, in the language of the moment."""
    return _("Stafettlogg"), str(BODIES[kind]) % {"link": current_app.config["PUBLIC_URL"]}


def _addresses(person):
    if person.email:
        yield "email", person.email
    if person.mobile:
        yield "sms", person.mobile


def _first_in_window(person, plan, kind):
    """Whether ``person`` may be notified of ``kind`` in ``plan`` now, and if so record it.

    Race-free without reading first: the update claims a row whose window has run out, the
    insert (ignored on conflict) a first one; a concurrent sender gets 0 rows from both."""
    now = utcnow()
    window_start = now - timedelta(minutes=current_app.config["NOTIFY_WINDOW_MINUTES"])
    T = NotificationThrottle
    this = (T.person == person.id) & (T.plan == plan.id) & (T.kind == kind)
    if T.update(notified_at=now).where(this & (T.notified_at <= window_start)).execute():
        return True
    inserted = (
        T.insert(person=person.id, plan=plan.id, kind=kind, notified_at=now)
        .on_conflict_ignore()
        .as_rowcount()
        .execute()
    )
    return bool(inserted)


def notify(person, kind, plan=None):
    """Queue a content-free notification of ``kind`` to ``person``'s e-mail and mobile.

    ``plan`` is what the notification is about; a ``THROTTLED`` kind needs it, and queues
    nothing (returns ``[]``) inside the person's window for that plan. The plan never goes
    into the message."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    if kind in THROTTLED:
        if plan is None:
            raise ValueError(f"A {kind!r} notification needs the plan it is about")
        if not _first_in_window(person, plan, kind):
            return []
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


# Links an employee follows to set a password: the link is the only thing the message carries.
LINK_KINDS = ("employee_invitation", "password_reset", "administrator_setup")


def send_link(person, kind, link):
    """Queue an e-mail to ``person`` with ``link`` (a signed, expiring one-time link to set a
    password, webapp/account/tokens.py): no name, no unit, no municipality, only the link."""
    if kind not in LINK_KINDS:
        raise ValueError(f"Unknown link kind {kind!r}")
    if not person.email:
        return []
    with force_locale(person.language or "nn"):
        subject = _("Stafettlogg")
        if kind == "password_reset":
            body = _("Someone asked to set a new password for your account in Stafettlogg. "
                     "Follow the link within an hour: %(link)s If it was not you, ignore this "
                     "message.", link=link)
        else:
            body = _("You have been given access to Stafettlogg as an employee. Follow the link "
                     "within 7 days to choose your password: %(link)s", link=link)
    return [OutboxMessage.create(channel="email", recipient=person.email, subject=str(subject),
                                 body=str(body))]
