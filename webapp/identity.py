"""Norwegian national identity numbers: fødselsnummer and D-number (SPEC §3.1.3).

Real numbers are validated by python-stdnum. Synthetic test numbers (the national test-data
convention adds 80 to the month) are accepted only when ``allow_synthetic`` is set, which
production never does: their check digits are checked on the number as written and the birth
date is read with 80 taken off the month.
"""

import datetime

from flask_babel import lazy_gettext as _l
from stdnum.exceptions import ValidationError
from stdnum.no import fodselsnummer

SYNTHETIC_MONTH_OFFSET = 80


class InvalidIdentityNumber(ValueError):
    """``message`` is a translatable sentence for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse(raw, allow_synthetic=False, today=None):
    """Return ``(number, birth_date)`` for a valid identity number, else raise."""
    number = fodselsnummer.compact(raw or "")
    if len(number) != 11 or not number.isdigit():
        raise InvalidIdentityNumber(_l("The identity number must be 11 digits."))
    month = int(number[2:4])
    if month > SYNTHETIC_MONTH_OFFSET:
        if not allow_synthetic:
            raise InvalidIdentityNumber(
                _l("This is a synthetic test number, which this installation does not accept.")
            )
        if (
            number[-2] != fodselsnummer.calc_check_digit1(number)
            or number[-1] != fodselsnummer.calc_check_digit2(number)
        ):
            raise InvalidIdentityNumber(_l("The check digits of the identity number are wrong."))
        real = number[:2] + "%02d" % (month - SYNTHETIC_MONTH_OFFSET) + number[4:]
        birth = _birth_date(real)
    else:
        try:
            fodselsnummer.validate(number)
        except ValidationError as error:
            if "checksum" in type(error).__name__.lower():
                raise InvalidIdentityNumber(
                    _l("The check digits of the identity number are wrong.")
                ) from error
            raise InvalidIdentityNumber(
                _l("The identity number does not contain a valid date of birth.")
            ) from error
        birth = _birth_date(number)
    if birth > (today or datetime.date.today()):
        raise InvalidIdentityNumber(
            _l("The date of birth in the identity number is in the future.")
        )
    return number, birth


def _birth_date(number):
    try:
        return fodselsnummer.get_birth_date(number)
    except ValidationError as error:
        raise InvalidIdentityNumber(
            _l("The identity number does not contain a valid date of birth.")
        ) from error


def make_synthetic(birth_date, individual=500):
    """A synthetic test number for ``birth_date`` (demo and test data only)."""
    for serial in range(individual, 1000):
        base = "%02d%02d%s%03d" % (
            birth_date.day,
            birth_date.month + SYNTHETIC_MONTH_OFFSET,
            birth_date.strftime("%y"),
            serial,
        )
        k1 = fodselsnummer.calc_check_digit1(base)
        if k1 == "10" or len(k1) != 1:
            continue
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if len(k2) != 1:
            continue
        number = base + k1 + k2
        try:
            if parse(number, allow_synthetic=True)[1] == birth_date:
                return number
        except InvalidIdentityNumber:
            continue
    raise ValueError("No synthetic number found")
