"""Parsing of Swedish identity numbers.

Only Skatteverket's published test numbers appear here; the children's numbers use birth serials
980-999, the series Skatteverket reserves for tests, so none of them can belong to a real child.
Check digits were computed with the Luhn algorithm and hard-coded.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.identity import IdentityType, luhn_ok, parse_national_id, parse_reserve_number

TODAY = date(2026, 11, 22)


def _error_code(raw):
    with pytest.raises(ValidationError) as error:
        parse_national_id(raw, today=TODAY)
    return error.value.code


@pytest.mark.parametrize(
    ("ten_digits", "ok"),
    [("8112189876", True), ("8112189875", False), ("7010632391", True), ("1212121212", True), ("", False)],
)
def test_it_checks_the_luhn_digit(ten_digits, ok):
    assert luhn_ok(ten_digits) is ok


@pytest.mark.parametrize("raw", ["811218-9876", "8112189876", "198112189876", "19811218-9876", " 811218-9876\n"])
def test_it_accepts_the_customary_forms_and_stores_12_digits(raw):
    assert parse_national_id(raw, today=TODAY).number == "198112189876"


def test_it_derives_the_birth_date():
    assert parse_national_id("811218-9876", today=TODAY).birth_date == date(1981, 12, 18)


def test_it_detects_a_personnummer():
    assert parse_national_id("811218-9876", today=TODAY).type == IdentityType.PERSONNUMMER


def test_it_detects_a_samordningsnummer():
    assert parse_national_id("701063-2391", today=TODAY).type == IdentityType.SAMORDNINGSNUMMER


@pytest.mark.parametrize(("raw", "born"), [("701063-2391", date(1970, 10, 3)), ("150374-9879", date(2015, 3, 14))])
def test_it_subtracts_60_from_the_day_of_a_samordningsnummer(raw, born):
    assert parse_national_id(raw, today=TODAY).birth_date == born


def test_it_stores_a_samordningsnummer_with_its_plus_60_day():
    assert parse_national_id("7010632391", today=TODAY).number == "197010632391"


def test_it_parses_a_childs_number():
    identity = parse_national_id("150314-9831", today=TODAY)
    assert (identity.number, identity.birth_date) == ("201503149831", date(2015, 3, 14))


@pytest.mark.parametrize(("raw", "year"), [("121212-1212", 2012), ("121212+1212", 1912), ("19121212-1212", 1912)])
def test_it_resolves_the_century(raw, year):
    assert parse_national_id(raw, today=TODAY).birth_date.year == year


@pytest.mark.parametrize(("raw", "born"), [("261122-9853", date(2026, 11, 22)), ("261123-9860", date(1926, 11, 23))])
def test_it_takes_the_latest_century_whose_date_is_not_after_today(raw, born):
    assert parse_national_id(raw, today=TODAY).birth_date == born


def test_it_accepts_feb_29_in_a_leap_year():
    assert parse_national_id("200229-9887", today=TODAY).birth_date == date(2020, 2, 29)


def test_it_rejects_a_wrong_check_digit():
    assert _error_code("811218-9875") == "check_digit"


@pytest.mark.parametrize(
    "raw",
    [
        "810230-9872",  # 30 February
        "230229-9843",  # 29 February 2023
        "20230229-9843",
        "000229+9899",  # 1900 was not a leap year
    ],
)
def test_it_rejects_an_impossible_date(raw):
    assert _error_code(raw) == "date"


def test_it_rejects_a_birth_date_in_the_future():
    assert _error_code("20261123-9860") == "future"


@pytest.mark.parametrize(
    "raw",
    [
        "811218987",  # 9 digits
        "1981121898760",  # 13 digits
        "81121A-9876",
        "811218 9876",
        "19121212+1212",  # `+` with 12 digits
        "811218--9876",
        "\u0668\u0661\u0661\u0662\u0661\u0668\u0669\u0668\u0667\u0666",  # 8112189876 in Arabic-Indic digits
        "",
    ],
)
def test_it_rejects_a_malformed_number(raw):
    assert _error_code(raw) == "format"


@pytest.mark.parametrize(("raw", "shown"), [("8112189876", "19811218-9876"), ("701063-2391", "19701063-2391")])
def test_it_displays_a_national_id_as_12_digits_with_a_dash(raw, shown):
    assert parse_national_id(raw, today=TODAY).display == shown


def test_it_normalises_a_reserve_number():
    identity = parse_reserve_number("  ab-123x ")
    assert (identity.type, identity.number, identity.birth_date) == (IdentityType.RESERVNUMMER, "AB-123X", None)


def test_it_accepts_a_reserve_number_of_20_characters():
    assert parse_reserve_number("AB-" + "9" * 17).number == "AB-99999999999999999"


def test_it_displays_a_reserve_number_as_stored():
    assert parse_reserve_number("ab-123x").display == "AB-123X"


@pytest.mark.parametrize("raw", ["", "   ", "A" * 21, "AB 123", "ÅÄÖ1", "AB_123"])
def test_it_rejects_an_invalid_reserve_number(raw):
    with pytest.raises(ValidationError) as error:
        parse_reserve_number(raw)
    assert error.value.code == "reserve_format"
