"""Swedish calendar arithmetic in Europe/Stockholm: working days and local times.

Meetings avoid the days when Swedish workplaces are closed, and a municipality may count the
feedback deadline in working days. Besides weekends that means the public holidays and the three eves
treated as holidays in practice (midsummer, Christmas and New Year's Eve): the `holidays` package's
"public" and "de_facto" categories.

Days are chosen by category, never by holiday name: the package translates names by the process's
locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), so a name search breaks on a Swedish server.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=64)
def _closed_days(year: int) -> frozenset[date]:
    # The eves come from the package's "de_facto" category, not from the holidays' names: the
    # package translates names by the server's locale, so searching them for an English word
    # broke every working-day calculation on a server with LANG=sv_SE.UTF-8.
    closed = holidays.Sweden(years=year, include_sundays=False, categories=("public", "de_facto"))
    return frozenset(closed)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and neither a public holiday nor one of the eves kept as one."""
    return day.weekday() < 5 and day not in _closed_days(day.year)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """The date `count` working days after `day` (the start day itself does not count)."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def local_datetime(day: date, at: time = time(0)) -> datetime:
    """An aware datetime for a wall-clock time on `day` in the project's time zone (Stockholm)."""
    return timezone.make_aware(datetime.combine(day, at))
