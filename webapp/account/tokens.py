"""Signed, expiring, one-time links to set a password (itsdangerous).

A token names the person, what it is for, and a fingerprint of the person's password hash and
active flag. Setting the password changes the hash, so a used link is worth nothing; so is
any earlier link once a later one is used, and every link of a person who was deactivated.
Expiry: an invitation (or the first administrator's link) 7 days, a reset one hour.
"""

import hashlib

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from webapp.models import Person

SALT = "stafettlogg.set-password"
INVITATION = "invitation"
RESET = "reset"
SETUP = "setup"  # the municipality's first administrator (flask create-municipality)
MAX_AGE = {INVITATION: 7 * 24 * 3600, SETUP: 7 * 24 * 3600, RESET: 3600}


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(person):
    state = f"{person.password_hash or '-'}|{int(bool(person.active))}"
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def make_token(person, purpose):
    if purpose not in MAX_AGE:
        raise ValueError(f"Unknown purpose {purpose!r}")
    return _serializer().dumps([person.id, purpose, _fingerprint(person)])


def link_for(person, purpose):
    """The absolute link to the password page (``PUBLIC_URL``, as every notification)."""
    path = url_for("account.set_password", token=make_token(person, purpose))
    return current_app.config["PUBLIC_URL"] + path


def person_for(token):
    """``(person, purpose)`` for a valid, unexpired, unused token of an active employee, else
    ``(None, None)``."""
    try:
        payload = _serializer().loads(token, max_age=max(MAX_AGE.values()))
    except (BadSignature, SignatureExpired):
        return None, None
    if not (isinstance(payload, list) and len(payload) == 3):
        return None, None
    person_id, purpose, fingerprint = payload
    if purpose not in MAX_AGE or not isinstance(person_id, int):
        return None, None
    try:
        _serializer().loads(token, max_age=MAX_AGE[purpose])
    except (BadSignature, SignatureExpired):
        return None, None
    person = Person.get_or_none((Person.id == person_id) & Person.is_employee & Person.active)
    if person is None or _fingerprint(person) != fingerprint:
        return None, None
    return person, purpose
