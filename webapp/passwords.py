"""Password hashing with Argon2id (argon2-cffi)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when no such user exists, so a wrong e-mail takes as long as a wrong password.
_DUMMY = _hasher.hash("not-a-real-password")


def hash_password(password):
    return _hasher.hash(password)


def check_password(person, password):
    """True if ``password`` matches; rehashes silently when the parameters have changed."""
    stored = person.password_hash if person is not None and person.password_hash else _DUMMY
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if person is None or not person.password_hash:
        return False
    if _hasher.check_needs_rehash(stored):
        person.password_hash = _hasher.hash(password)
        person.save(only=[type(person).password_hash])
    return True
