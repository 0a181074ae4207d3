"""Norwegian identity numbers (webapp/identity.py, SPEC §3.1.3): fødselsnummer and D-number,
wrong check digits, impossible dates, and synthetic test numbers only where allowed."""

from datetime import date

import pytest

from webapp.identity import InvalidIdentityNumber, make_synthetic, parse

FODSELSNUMMER = "17031050057"  # 17.03.2010, check digits computed by the mod-11 rule
D_NUMBER = "45111250182"  # 05.11.2012: 40 added to the day


def _message(raw, **kwargs):
    with pytest.raises(InvalidIdentityNumber) as error:
        parse(raw, **kwargs)
    return error.value.message._args[0]


def test_a_fodselsnummer_gives_the_birth_date():
    assert parse(FODSELSNUMMER) == (FODSELSNUMMER, date(2010, 3, 17))
    assert parse("15108695088") == ("15108695088", date(1986, 10, 15))


def test_a_d_number_gives_the_birth_date():
    assert parse(D_NUMBER) == (D_NUMBER, date(2012, 11, 5))


def test_spaces_and_dots_are_allowed_in_the_input():
    assert parse(" 170310 50057 ")[0] == FODSELSNUMMER


@pytest.mark.parametrize("raw", ["", None, "1703105005", "170310500571", "1703105005x"])
def test_not_eleven_digits(raw):
    assert _message(raw) == "The identity number must be 11 digits."


@pytest.mark.parametrize("raw", ["17031050058", "17031050047", "45111250181", "15108695089"])
def test_wrong_check_digits(raw):
    assert _message(raw) == "The check digits of the identity number are wrong."


@pytest.mark.parametrize("raw", [
    "31021150005",  # 31 February 2011, with check digits that fit
])
def test_impossible_dates(raw):
    assert _message(raw) == "The identity number does not contain a valid date of birth."


def test_a_birth_date_in_the_future_is_refused():
    assert _message(FODSELSNUMMER, today=date(2009, 12, 31)) == (
        "The date of birth in the identity number is in the future.")
    assert parse(FODSELSNUMMER, today=date(2010, 3, 17))[1] == date(2010, 3, 17)


def test_synthetic_numbers_only_when_allowed():
    number = make_synthetic(date(2019, 6, 1))
    assert int(number[2:4]) == 6 + 80
    assert parse(number, allow_synthetic=True) == (number, date(2019, 6, 1))
    assert _message(number) == (
        "This is a synthetic test number, which this installation does not accept.")
    assert _message(number, allow_synthetic=False) == _message(number)


def test_synthetic_numbers_are_checked_too():
    number = make_synthetic(date(2019, 6, 1))
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert _message(wrong, allow_synthetic=True) == (
        "The check digits of the identity number are wrong.")
    # 31 February (month 02 + 80) with check digits that fit.
    from stdnum.no import fodselsnummer

    for serial in range(500, 600):
        base = "318211%03d" % serial
        k1 = fodselsnummer.calc_check_digit1(base)
        k2 = fodselsnummer.calc_check_digit2(base + k1) if len(k1) == 1 else "xx"
        if len(k2) == 1:
            break
    assert _message(base + k1 + k2, allow_synthetic=True) == (
        "The identity number does not contain a valid date of birth.")


def test_synthetic_numbers_are_made_for_many_dates():
    for day in (date(2005, 1, 1), date(2012, 2, 29), date(2024, 12, 31)):
        assert parse(make_synthetic(day), allow_synthetic=True)[1] == day
