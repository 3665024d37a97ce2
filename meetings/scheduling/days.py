"""A schedule's meeting days and times: the n-th or last weekday, holidays, the agenda cut-off."""

import calendar
from datetime import date, datetime, timedelta

from hlt.workdays import is_working_day, local_datetime, next_working_day
from meetings.models import (
    HolidayRule,
    MeetingSchedule,
)

# The agenda cut-off of a team without a schedule (the schedule's own default).
DEFAULT_CUTOFF_DAYS = 7
# What a schedule sets on each meeting.
TIME_FIELDS = ["starts_at", "ends_at", "place", "agenda_closes_at"]


def add_months(first: date, count: int) -> date:
    """The first day of the month `count` months after the month of `first` (negative: before)."""
    years, month_index = divmod(first.month - 1 + count, 12)
    return date(first.year + years, month_index + 1, 1)


def _nominal_day(first: date, week_of_month: int, weekday: int) -> date:
    if week_of_month == -1:
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week_of_month - 1))


def meeting_day(*, schedule: MeetingSchedule, month: date) -> date | None:
    """The day `schedule` meets in the month of `month`, or None when it does not meet that month.

    The n-th (or last) weekday of the month. A paused month has no meeting. When that day is not
    a working day (a public holiday or one of the eves kept as one), the holiday rule decides:
    SKIP gives no meeting; MOVE gives the next working day, or, when that lies in the next month,
    the last working day before the holiday, so the meeting stays in its own month. Reads nothing
    from the database. Raises ValidationError when the paused months are not readable.
    """
    first = month.replace(day=1)
    if first.month in schedule.paused_month_numbers:
        return None
    day = _nominal_day(first, schedule.week_of_month, schedule.weekday)
    if is_working_day(day):
        return day
    if schedule.holiday_rule == HolidayRule.SKIP:
        return None
    later = next_working_day(day)
    if later.month == first.month:
        return later
    earlier = day - timedelta(days=1)
    while earlier.month == first.month and not is_working_day(earlier):
        earlier -= timedelta(days=1)
    return earlier if earlier.month == first.month else None


def agenda_closes_at(day: date, cutoff_days: int) -> datetime:
    """Local midnight at the start of the day `cutoff_days` before the meeting day."""
    return local_datetime(day - timedelta(days=cutoff_days))


def _times(schedule: MeetingSchedule, day: date) -> dict:
    return {
        "starts_at": local_datetime(day, schedule.start_time),
        "ends_at": local_datetime(day, schedule.end_time),
        "place": schedule.place,
        "agenda_closes_at": agenda_closes_at(day, schedule.agenda_cutoff_days),
    }
