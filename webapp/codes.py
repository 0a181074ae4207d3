"""One-time codes: short-lived, single use, a limited number of tries (login and signing)."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app

from webapp.models import OneTimeCode, utcnow
from webapp.notify import send_code

LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
LOGIN = "login"
SIGN = "sign"


def _digest(code):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def issue(person, purpose, channel=None):
    """Create a fresh code for ``person`` and queue it; earlier unused codes stop working."""
    (
        OneTimeCode.update(used_at=utcnow())
        .where(
            (OneTimeCode.person == person)
            & (OneTimeCode.purpose == purpose)
            & (OneTimeCode.used_at.is_null())
        )
        .execute()
    )
    code = "%06d" % secrets.randbelow(1_000_000)
    OneTimeCode.create(
        person=person, purpose=purpose, code_hash=_digest(code), expires_at=utcnow() + LIFETIME
    )
    send_code(person, code, channel)
    return code


def verify(person, purpose, code):
    """True once for the right, unexpired code; every wrong try counts against the limit."""
    row = (
        OneTimeCode.select()
        .where(
            (OneTimeCode.person == person)
            & (OneTimeCode.purpose == purpose)
            & (OneTimeCode.used_at.is_null())
            & (OneTimeCode.expires_at > utcnow())
        )
        .order_by(OneTimeCode.id.desc())
        .first()
    )
    if row is None or row.attempts >= MAX_ATTEMPTS:
        return False
    if not hmac.compare_digest(row.code_hash, _digest((code or "").strip())):
        OneTimeCode.update(attempts=OneTimeCode.attempts + 1).where(
            OneTimeCode.id == row.id
        ).execute()
        return False
    # Single use: only the request that flips used_at from NULL wins.
    won = (
        OneTimeCode.update(used_at=utcnow())
        .where((OneTimeCode.id == row.id) & (OneTimeCode.used_at.is_null()))
        .execute()
    )
    return won == 1
