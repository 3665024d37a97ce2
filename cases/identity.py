"""Swedish identity numbers for children: parse what staff type, store one canonical form.

A child is identified by a personnummer, a samordningsnummer (given to people who are not, or not
yet, registered in Sweden) or, when neither is known, a reservnummer made up by the region. Staff
type numbers in several customary forms; we store personnummer and samordningsnummer as 12 digits
so that the same child is always the same string, and keep the parsing rules here in one place.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentityType(models.TextChoices):
    PERSONNUMMER = "personnummer", _("Personal identity number")
    SAMORDNINGSNUMMER = "samordningsnummer", _("Co-ordination number")
    RESERVNUMMER = "reservnummer", _("Reserve number")


# A samordningsnummer is a personnummer with 60 added to the day of birth.
SAMORDNING_DAY_OFFSET = 60

# Optional century, YYMMDD, optional separator, birth serial and check digit. [0-9] rather than \d,
# which would also accept non-ASCII digits that int() happily converts.
_NATIONAL_ID = re.compile(r"(?P<century>[0-9]{2})?(?P<yymmdd>[0-9]{6})(?P<sep>[-+]?)(?P<serial>[0-9]{4})")
_RESERVE_NUMBER = re.compile(r"[A-Z0-9-]{1,20}")

FORMAT_MESSAGE = _("Write the number as YYMMDD-NNNN or YYYYMMDDNNNN (10 or 12 digits).")
DATE_MESSAGE = _("The number does not contain a real date of birth.")
FUTURE_MESSAGE = _("The date of birth in the number lies in the future.")
CHECK_DIGIT_MESSAGE = _("The check digit is wrong: check the last digit of the number.")
RESERVE_FORMAT_MESSAGE = _("A reserve number has 1-20 letters, digits or hyphens.")


@dataclass(frozen=True)
class Identity:
    """A parsed identity number in the form we store and compare."""

    type: str
    number: str
    birth_date: date | None

    @property
    def display(self) -> str:
        """Dashed 12-digit form: the century is never ambiguous, and people read it the way they write it."""
        if self.type == IdentityType.RESERVNUMMER:
            return self.number
        return f"{self.number[:8]}-{self.number[8:]}"


def luhn_ok(ten_digits: str) -> bool:
    """Whether the last digit is the Luhn check digit of the others, as Skatteverket computes it.

    The check catches most single-digit typos and swapped neighbours before a child gets the wrong record.
    """
    if not ten_digits.isascii() or not ten_digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(ten_digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def parse_national_id(raw: str, *, today: date) -> Identity:
    """Parse a personnummer or samordningsnummer in any of the customary 10- or 12-digit forms.

    `today` is passed in rather than read from the clock because a 10-digit number only means
    something relative to a date: the century is the one that makes the person younger than 100
    (or, with `+`, at least 100) on that day.
    """
    match = _NATIONAL_ID.fullmatch(raw.strip())
    if not match or (match["century"] and match["sep"] == "+"):
        # `+` only exists to disambiguate the century, which 12 digits already state.
        raise ValidationError(FORMAT_MESSAGE, code="format")

    yymmdd, serial = match["yymmdd"], match["serial"]
    yy, month, day_in_number = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    is_samordning = day_in_number > SAMORDNING_DAY_OFFSET
    day = day_in_number - SAMORDNING_DAY_OFFSET if is_samordning else day_in_number

    if match["century"]:
        year = int(match["century"] + yymmdd[:2])
    else:
        year = _latest_year_not_after(today, yy, month, day)
        if match["sep"] == "+":
            year -= 100

    try:
        birth_date = date(year, month, day)
    except ValueError:
        raise ValidationError(DATE_MESSAGE, code="date") from None
    if birth_date > today:
        raise ValidationError(FUTURE_MESSAGE, code="future")
    # The check digit covers the 10-digit form, samordningsnummer day (+60) included.
    if not luhn_ok(yymmdd + serial):
        raise ValidationError(CHECK_DIGIT_MESSAGE, code="check_digit")

    return Identity(
        type=IdentityType.SAMORDNINGSNUMMER if is_samordning else IdentityType.PERSONNUMMER,
        number=f"{year:04d}{yymmdd[2:]}{serial}",
        birth_date=birth_date,
    )


def _latest_year_not_after(today: date, yy: int, month: int, day: int) -> int:
    """The latest year ending in `yy` whose (month, day) is not after `today`.

    Compared as a tuple so that an impossible date still gets a year, and is then reported as a
    date error rather than crashing here.
    """
    year = today.year - (today.year - yy) % 100
    if year == today.year and (month, day) > (today.month, today.day):
        year -= 100
    return year


def parse_reserve_number(raw: str) -> Identity:
    """Normalise a reservnummer; its format differs by region, so only the character set and length are checked."""
    number = raw.strip().upper()
    if not _RESERVE_NUMBER.fullmatch(number):
        raise ValidationError(RESERVE_FORMAT_MESSAGE, code="reserve_format")
    return Identity(type=IdentityType.RESERVNUMMER, number=number, birth_date=None)
