"""Dashboard periods: whole months, from a first to a last month, as `?fran=2026-01&till=2026-12`.

Users choose from a fixed grid only: a month, a calendar quarter, a calendar year, or the 12 months
ending at the last full month. Overlapping free ranges (August-November beside August-October) would
let two figures be subtracted into a third that is never published; the grid keeps the set of
published periods small and the same for everyone (docs/dashboards.md, "Disclosure control").
"""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date

    @classmethod
    def last_twelve_months(cls, today: datetime.date) -> "Period":
        """The rolling 12 months ending at the last full month before `today`."""
        last = add_months(month_start(today), -1)
        return cls(add_months(last, -11), last)

    def on_grid(self, today: datetime.date) -> bool:
        """Whether the period is one the dashboards publish: a month, a calendar quarter, a calendar
        year, or the rolling 12 months ending at the last full month before `today`."""
        first, last = self.first, self.last
        if first == last:
            return True
        if first.year == last.year and first.month % 3 == 1 and last == add_months(first, 2):
            return True
        if first.year == last.year and first.month == 1 and last.month == 12:
            return True
        return self == Period.last_twelve_months(today)

    @property
    def months(self) -> list[datetime.date]:
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1
        return [add_months(self.first, index) for index in range(count)]

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        return add_months(self.last, 1) - datetime.timedelta(days=1)

    @property
    def query(self) -> str:
        return f"fran={self.first:%Y-%m}&till={self.last:%Y-%m}"

    @property
    def label(self) -> str:
        first, last = self.first, self.last
        if first == last:
            return date_format(first, "F Y")
        if first.month == 1 and last.month == 12 and first.year == last.year:
            return str(first.year)
        if first.year == last.year and first.month % 3 == 1 and last == add_months(first, 2):
            return _("Quarter %(quarter)s %(year)s") % {"quarter": first.month // 3 + 1, "year": first.year}
        return f"{date_format(first, 'F Y')} – {date_format(last, 'F Y')}"


def period_choices(today: datetime.date) -> list[tuple[str, Period]]:
    """The dashboard's period picker: the rolling 12 months, this and last month, quarter and year."""
    this_month = month_start(today)
    quarter = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    this_year = datetime.date(today.year, 1, 1)
    return [
        (_("The last 12 months"), Period.last_twelve_months(today)),
        (_("This month"), Period(this_month, this_month)),
        (_("Last month"), Period(add_months(this_month, -1), add_months(this_month, -1))),
        (_("This quarter"), Period(quarter, add_months(quarter, 2))),
        (_("Last quarter"), Period(add_months(quarter, -3), add_months(quarter, -1))),
        (_("This year"), Period(this_year, add_months(this_year, 11))),
        (_("Last year"), Period(add_months(this_year, -12), add_months(this_year, -1))),
    ]
