"""Building figures for the dashboard tests: cases started on a given day, the one closed meeting a
team has in a month, feedback given on a given day, and a unit's dashboard read as plain numbers.

The figures tests freeze "now" at NOW (Friday 20 November 2026, 12:00 in Stockholm); the summary's
refresh then covers September to November 2026.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from cases.models import Case, CaseStatus, ProtectionLevel
from dashboards.periods import Period
from dashboards.selectors import LEVEL_OF_MODEL, Dashboard, dashboard_for
from hlt.workdays import local_datetime
from meetings.feedback import feedback_record
from meetings.models import AgendaItem, FamilyAnswer, FeedbackMethod, Meeting, MeetingStatus
from tests.factories import CaseFactory, ChildFactory, MeetingFactory, UnitFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = datetime.date(2026, 11, 20)
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=STOCKHOLM)
SEPTEMBER, OCTOBER, NOVEMBER = (datetime.date(2026, month, 1) for month in (9, 10, 11))


def started_case(
    team,
    initiator,
    *,
    on: datetime.date,
    born: datetime.date | None = None,
    unit_kind: str = "",
    protection: str = ProtectionLevel.NONE,
    child=None,
) -> Case:
    """A case of `team` initiated on `on` by `initiator` (a member of the team), with consent in force
    and ready for a meeting. The child is born on `born` (default: from the factory) and protected
    as `protection` says (or is `child`, for a child another team knows too); the initiating unit
    is the initiator's home unit, or a unit of `unit_kind` in the team's municipality."""
    child = child or ChildFactory(protection=protection, **({"birth_date": born} if born else {}))
    if unit_kind:
        unit = UnitFactory(kind=unit_kind, municipality=team.area.municipality)
    else:
        unit = initiator.memberships.get(team=team).home_unit
    case = CaseFactory(team=team, child=child, initiator=initiator, initiator_unit=unit, initiated_on=on)
    Case.objects.filter(pk=case.pk).update(
        consent_in_force_until=timezone.localdate() + datetime.timedelta(days=365), status=CaseStatus.READY
    )
    case.refresh_from_db()
    return case


def meeting_on(team, day: datetime.date, at: datetime.time = datetime.time(13, 0)) -> Meeting:
    """`team`'s closed meeting starting on `day` at `at` (Stockholm), created the first time it is
    asked for (a team meets once a month), its minutes closed three hours after the start."""
    starts_at = local_datetime(day, at)
    existing = Meeting.objects.filter(team=team, starts_at=starts_at).first()
    if existing is not None:
        return existing
    return MeetingFactory(
        team=team,
        day=day,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        status=MeetingStatus.CLOSED,
        closed_at=starts_at + datetime.timedelta(hours=3),
    )


def feedback_given(item: AgendaItem, on: datetime.date) -> AgendaItem:
    """The family got the feedback on `on`, recorded by the item's contact person."""
    return feedback_record(
        item=item,
        actor=item.contact_person,
        given_on=on,
        method=FeedbackMethod.PHONE,
        answer=FamilyAnswer.ACCEPTED,
        note="",
        today=timezone.localdate(),
    )


def dashboard_of(unit, first: datetime.date, last: datetime.date | None = None) -> Dashboard:
    """`unit`'s dashboard (a region, municipality, area or team) for the months `first` to `last`."""
    return dashboard_for(level=LEVEL_OF_MODEL[type(unit)], unit=unit, period=Period(first, last or first))


def counts(dashboard: Dashboard, measure: str) -> dict:
    """The raw (unsuppressed) figure of `measure` for each month of the dashboard and in total."""
    groups = [("month", month) for month in dashboard.period.months] + ["total"]
    return {group[1] if group != "total" else "total": dashboard.cell(group, measure).n for group in groups}


def breakdown(dashboard: Dashboard, dimension: str) -> dict[str, int]:
    """The raw counts of a breakdown (age band, sector, ...) over the period, every category included."""
    return {key: dashboard.cell((dimension, key), "count").n for key, _label in dashboard.categories[dimension]}
