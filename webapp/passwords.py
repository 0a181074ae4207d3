"""Password hashing with Argon2id (argon2-cffi)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when no such user exists, so a wrong e-mail takes as long as a wrong password.
_DUMMY = _hasher.hash("not-a-real-password")


def use_parameters(parameters):
    """Hash with the argon2 ``parameters`` (an ``argon2.Parameters``) from now on. The tests use
    ``argon2.profiles.CHEAPEST``: the default costs a quarter of a CPU-second a login, which
    the suite's hundreds of logins would spend proving nothing. Hashes made with other
    parameters still verify, and are rehashed on their next login."""
    global _hasher, _DUMMY
    _hasher = PasswordHasher.from_parameters(parameters)
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
