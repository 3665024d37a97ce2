"""Generating meetings ahead from the schedules, and applying a changed schedule."""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
    parse_month_numbers,
)
from meetings.scheduling.changes import _after_move
from meetings.scheduling.days import TIME_FIELDS, _times, add_months, meeting_day
from teams.models import Team

logger = logging.getLogger(__name__)


def _generate(schedules, *, today: date, months: int) -> int:
    schedules = list(schedules)
    if not schedules:
        return 0
    first = today.replace(day=1)
    window = [add_months(first, offset) for offset in range(months + 1)]
    existing = set(
        Meeting.objects.filter(
            team_id__in=[schedule.team_id for schedule in schedules], month__range=(window[0], window[-1])
        ).values_list("team_id", "month")
    )
    now = timezone.now()
    new = []
    for schedule in schedules:
        try:
            parse_month_numbers(schedule.paused_months)
        except ValidationError:
            logger.warning("Meeting schedule %s has unreadable paused months; no meetings generated.", schedule.pk)
            continue
        for month in window:
            if (schedule.team_id, month) in existing:
                continue
            day = meeting_day(schedule=schedule, month=month)
            if day is None:
                continue
            times = _times(schedule, day)
            if times["starts_at"] > now:
                new.append(Meeting(team_id=schedule.team_id, month=month, **times))
    # ignore_conflicts: a concurrent run that got there first is not an error (unique team, month).
    Meeting.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def meetings_generate(*, today: date, months: int | None = None) -> int:
    """Create the missing meetings of every active schedule of an active team, idempotently.

    Covers the month of `today` and the `months` months after it (default
    settings.HLT_MEETING_MONTHS_AHEAD); a meeting is created only when its start lies in the future
    and its team has no meeting for that month yet (a moved or cancelled one counts). Three queries
    however many teams: the schedules, the existing (team, month) pairs, one insert. Returns how
    many meetings were created.
    """
    months = settings.HLT_MEETING_MONTHS_AHEAD if months is None else months
    schedules = MeetingSchedule.objects.filter(is_active=True, team__is_active=True).order_by("pk")
    with transaction.atomic():
        return _generate(schedules, today=today, months=months)


@dataclass
class ScheduleApplied:
    """What `schedule_apply` did. `kept` are future meetings the schedule no longer places (a
    paused or skipped month, or a new time already past) that were left as they were because
    cases are on their agenda or the time has passed: the coordinator decides about them."""

    updated: int = 0
    deleted: int = 0
    created: int = 0
    kept: list[Meeting] = field(default_factory=list)


@transaction.atomic
def schedule_apply(*, schedule: MeetingSchedule, today: date) -> ScheduleApplied:
    """Bring the team's future meetings in line with its changed schedule, then generate.

    Only future planned meetings that nobody moved by hand are touched; a moved, cancelled or
    closed meeting keeps its own time. Such a meeting gets the schedule's new day, time, place and
    agenda cut-off. One in a month where the schedule no longer meets is deleted when nothing was
    ever put on its agenda, and otherwise left and reported in `kept`. An inactive schedule (or
    team) changes nothing. A changed meeting is handled as a move (`_after_move`): follow-ups take
    its new day, a case whose consent ends before it leaves the agenda, and the team is told when
    cases wait on its agenda (the calendar feed carries the rest).
    """
    result = ScheduleApplied()
    if not schedule.is_active or not Team.objects.filter(pk=schedule.team_id, is_active=True).exists():
        return result
    now = timezone.now()
    meetings = list(
        Meeting.objects.select_for_update()
        .filter(
            team_id=schedule.team_id,
            status=MeetingStatus.PLANNED,
            rescheduled=False,
            closed_at__isnull=True,
            starts_at__gt=now,
        )
        .order_by("starts_at")
    )
    with_items = set(AgendaItem.objects.filter(meeting__in=meetings).values_list("meeting_id", flat=True).distinct())
    changed, doomed = [], []
    for meeting in meetings:
        day = meeting_day(schedule=schedule, month=meeting.month)
        times = _times(schedule, day) if day else None
        if times is None or times["starts_at"] <= now:
            if times is None and meeting.pk not in with_items:
                doomed.append(meeting.pk)
            else:
                result.kept.append(meeting)
            continue
        if any(getattr(meeting, name) != value for name, value in times.items()):
            if (meeting.starts_at, meeting.ends_at, meeting.place) != (
                times["starts_at"],
                times["ends_at"],
                times["place"],
            ):
                meeting.sequence += 1
            for name, value in times.items():
                setattr(meeting, name, value)
            changed.append(meeting)
    Meeting.objects.bulk_update(changed, [*TIME_FIELDS, "sequence"])
    for meeting in changed:
        _after_move(meeting, None, tell_team=False)
    if doomed:
        Meeting.objects.filter(pk__in=doomed).delete()
    result.updated, result.deleted = len(changed), len(doomed)
    result.created = _generate([schedule], today=today, months=settings.HLT_MEETING_MONTHS_AHEAD)
    return result
