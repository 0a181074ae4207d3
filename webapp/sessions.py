"""Login sessions the server can revoke (TECH.md, sessions and login).

The signed cookie holds only a random token; the ``AuthSession`` row it names holds the person
and the times. Logout deletes the row, deactivation deletes every row of the person, and a row
idle for longer than the idle timeout or older than the absolute lifetime is refused.
"""

import secrets
from datetime import timedelta

from flask import current_app, session
from flask_login import login_user, logout_user

from webapp.db import Prepared
from webapp.extensions import login_manager
from webapp.models import AuthSession, Person, utcnow

TOUCH_EVERY = timedelta(seconds=60)  # write last_seen_at at most this often


def start_session(person, method="password", **authentication):
    """Log ``person`` in with a fresh session: a new token and a cleared cookie session.
    ``authentication`` holds what an ID-porten login adds (``acr``, ``amr``, ``auth_time``,
    ``id_token``: webapp/idporten)."""
    language = session.get("language")
    session.clear()  # no state carries over from before login (session fixation)
    if language:
        session["language"] = language
    token = secrets.token_urlsafe(32)
    AuthSession.create(token=token, person=person, method=method, **authentication)
    person.session_token = token
    login_user(person, remember=False)
    session.permanent = True
    # Kept after the session ends: the leader's review finds who has not logged in for months.
    Person.update(last_login_at=utcnow()).where(Person.id == person.id).execute()


def end_session(person):
    """Log out: delete this session's row so the cookie is worthless from now on."""
    token = getattr(person, "session_token", None)
    if token:
        AuthSession.delete().where(AuthSession.token == token).execute()
    logout_user()
    session.clear()


def current_session(person):
    """The ``AuthSession`` row of ``person``'s current login, or ``None``."""
    token = getattr(person, "session_token", None)
    return AuthSession.get_or_none(AuthSession.token == token) if token else None


def refresh_authentication(person, **authentication):
    """A step-up login (webapp/idporten) renews the current session's authentication."""
    token = getattr(person, "session_token", None)
    if token:
        AuthSession.update(**authentication).where(AuthSession.token == token).execute()


def revoke_all(person):
    """End every session of ``person`` at once (deactivation, SPEC §2)."""
    AuthSession.delete().where(AuthSession.person == person).execute()


# Every request of a logged-in person asks this first (``webapp.db.Prepared``).
_session_by_token = Prepared(lambda token: (
    AuthSession.select(AuthSession, Person).join(Person).where(AuthSession.token == token)
    .limit(1)
))


@login_manager.user_loader
def load_user(token):
    rows = _session_by_token(token)
    if not rows:
        return None
    row = rows[0]
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    if now - row.last_seen_at > idle or now - row.created_at > absolute or not row.person.active:
        row.delete_instance()
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        AuthSession.update(last_seen_at=now).where(AuthSession.id == row.id).execute()
    person = row.person
    person.session_token = token
    return person
