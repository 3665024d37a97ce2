"""The dashboards' figures, from cases built through the real services to the summary
(`summary_refresh` / `summary_rebuild`) and read back with `dashboard_for`.

"Now" is Friday 20 November 2026, 12:00 in Stockholm, so the refresh covers September to November
2026. Figures are read raw (`Cell.n`) where the test is about the indicator, and as shown where it
is about what may be shown.
"""

import datetime
from datetime import date, time, timedelta

import pytest
import time_machine
from celery.schedules import crontab
from django.db import connection

from cases.models import ClosureReason, ProtectionLevel
from cases.services import case_close
from dashboards.models import FACT_MODELS, Dimension, TeamMonth
from dashboards.selectors import TOTAL
from dashboards.services import summary_rebuild, summary_refresh
from dashboards.tables import overview
from dashboards.tasks import summary_refresh_task
from hlt.celery import app
from meetings.models import ItemPurpose
from support.models import InterventionStatus
from support.services import follow_up_cancel, follow_up_record, intervention_update_status
from teams.models import Sector, UnitKind
from tests.dashboard_helpers import (
    NOVEMBER,
    NOW,
    OCTOBER,
    SEPTEMBER,
    STOCKHOLM,
    TODAY,
    breakdown,
    counts,
    dashboard_of,
    feedback_given,
    meeting_on,
    started_case,
)
from tests.factories import AdultFactory, AreaFactory, MembershipFactory, TeamFactory
from tests.feedback_helpers import discussed_item
from tests.sip_helpers import complete_draft, established, principal_units, sip_consent
from tests.support_helpers import a_follow_up, a_type, an_intervention, supported

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

AUTUMN = (SEPTEMBER, NOVEMBER)
MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _now(settings):
    settings.HLT_STATS_MIN_COUNT = 5
    settings.HLT_STATS_REFRESH_MONTHS = 3
    with time_machine.travel(NOW, tick=False):
        yield


def _at(day: date, hour: int = 10):
    """Travel to `day` at `hour` in Stockholm, for services that date what they do by the clock."""
    return time_machine.travel(datetime.datetime.combine(day, time(hour), tzinfo=STOCKHOLM), tick=False)


def _supported_case(team, member, *, on: date = date(2026, 9, 1)):
    return supported(started_case(team, member, on=on))


# --- Cases started ----------------------------------------------------------------------------------


def test_it_counts_the_cases_started_in_each_month_of_the_period(team, member):
    # Given cases started on the last day of August, in September, October and November
    for day in (date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 30), date(2026, 10, 14), date(2026, 11, 20)):
        started_case(team, member, on=day)

    summary_rebuild()

    # Then the period September-November holds the four of its months, and not August's
    assert counts(dashboard_of(team, *AUTUMN), "cases_started") == {SEPTEMBER: 2, OCTOBER: 1, NOVEMBER: 1, "total": 4}


def test_it_compares_the_municipalities_of_a_region(team, other_team, member, outsider, region):
    for _n in range(3):
        started_case(team, member, on=date(2026, 10, 5))
    started_case(other_team, outsider, on=date(2026, 10, 6))

    summary_refresh()

    dashboard = dashboard_of(region, *AUTUMN)
    umea, asele = team.area.municipality, other_team.area.municipality
    assert [unit.name for unit in dashboard.children] == ["Umeå", "Åsele"]
    assert dashboard.cell(("child", umea.pk), "cases_started").n == 3
    assert dashboard.cell(("child", asele.pk), "cases_started").n == 1
    assert dashboard.cell(TOTAL, "cases_started").n == 4


def test_it_bands_the_childs_age_on_the_day_the_case_started(team, member):
    # Given children whose birthdays fall around the day their case started
    started_case(team, member, born=date(2016, 10, 15), on=date(2026, 10, 14))  # 9, turns 10 the next day
    started_case(team, member, born=date(2016, 10, 15), on=date(2026, 10, 15))  # 10 that very day
    started_case(team, member, born=date(2021, 3, 1), on=date(2026, 9, 2))  # 5
    started_case(team, member, born=date(2013, 6, 1), on=date(2026, 9, 25))  # 13
    started_case(team, member, born=date(2009, 1, 10), on=date(2026, 9, 20))  # 17: registered late

    summary_refresh()

    assert breakdown(dashboard_of(team, *AUTUMN), Dimension.AGE) == {"0-5": 1, "6-9": 1, "10-12": 1, "13-16": 2}


def test_it_counts_the_sector_that_initiated_each_case(team, member):
    for kind in (UnitKind.SCHOOL, UnitKind.PRESCHOOL, UnitKind.SOCIAL_SERVICES, UnitKind.HEALTH_CENTRE):
        started_case(team, member, on=date(2026, 10, 1), unit_kind=kind)
    started_case(team, member, on=date(2026, 10, 2), unit_kind=UnitKind.CHILD_HEALTH)

    summary_refresh()

    assert breakdown(dashboard_of(team, *AUTUMN), Dimension.SECTOR) == {
        Sector.HEALTH: 2,
        Sector.LEARNING: 2,
        Sector.SAFETY: 1,
    }


# --- Children discussed -----------------------------------------------------------------------------


def test_it_counts_a_child_discussed_in_two_months_once_over_the_period(team, member):
    # Given Elsa discussed in September and followed up in October, and Omar discussed in October
    elsa = started_case(team, member, on=date(2026, 9, 1))
    omar = started_case(team, member, on=date(2026, 9, 1))
    discussed_item(elsa, contact=member, meeting=meeting_on(team, date(2026, 9, 8)))
    october = meeting_on(team, date(2026, 10, 13))
    discussed_item(elsa, contact=member, meeting=october, purpose=ItemPurpose.FOLLOW_UP)
    discussed_item(omar, contact=member, meeting=october)

    summary_refresh()

    # Then each month counts its children, and the period counts Elsa once
    assert counts(dashboard_of(team, *AUTUMN), "children_discussed") == {
        SEPTEMBER: 1,
        OCTOBER: 2,
        NOVEMBER: 0,
        "total": 2,
    }


def test_it_counts_a_child_once_in_each_unit_that_discussed_them(team, member, region):
    # Given Elsa discussed by Ålidhem in September and by Umeå's other team, Haga, in November
    haga = TeamFactory(name="HLT Haga", area=AreaFactory(name="Haga", municipality=team.area.municipality))
    haga_member = MembershipFactory(team=haga).user
    elsa = started_case(team, member, on=date(2026, 9, 1))
    discussed_item(elsa, contact=member, meeting=meeting_on(team, date(2026, 9, 8)))
    again = started_case(haga, haga_member, on=date(2026, 10, 20), child=elsa.child)
    discussed_item(again, contact=haga_member, meeting=meeting_on(haga, date(2026, 11, 10)))

    summary_refresh()

    # Then each team counts her once, and so do the municipality and the region, in the period and
    # in a period that starts after her first discussion
    umea = team.area.municipality
    assert counts(dashboard_of(team, *AUTUMN), "children_discussed")["total"] == 1
    assert counts(dashboard_of(haga, *AUTUMN), "children_discussed")["total"] == 1
    for unit in (umea, region):
        assert counts(dashboard_of(unit, *AUTUMN), "children_discussed") == {
            SEPTEMBER: 1,
            OCTOBER: 0,
            NOVEMBER: 1,
            "total": 1,
        }
        assert counts(dashboard_of(unit, OCTOBER, NOVEMBER), "children_discussed")["total"] == 1
    # And the municipality's comparison counts her in both teams, the region's once in Umeå
    municipality = dashboard_of(umea, *AUTUMN)
    assert [municipality.cell(("child", t.pk), "children_discussed").n for t in (haga, team)] == [1, 1]
    assert dashboard_of(region, *AUTUMN).cell(("child", umea.pk), "children_discussed").n == 1


def test_every_level_gives_a_lone_teams_figures(team, member, region):
    # Given the region's only team, with cases started, discussed and given feedback
    cases = [started_case(team, member, on=date(2026, 9, day)) for day in (1, 2, 3, 10, 20)]
    october = meeting_on(team, date(2026, 10, 13))
    for number, case in enumerate(cases):
        feedback_given(discussed_item(case, contact=member, meeting=october), date(2026, 10, 15 + number))

    summary_refresh()

    # Then the team, its area, municipality and region show the same figures, read from their own rows
    figures = [
        (
            counts(dashboard, "cases_started"),
            counts(dashboard, "feedback_within"),
            counts(dashboard, "children_discussed"),
            dashboard.lead_times[TOTAL],
            breakdown(dashboard, Dimension.SECTOR),
        )
        for dashboard in (dashboard_of(unit, *AUTUMN) for unit in (team, team.area, team.area.municipality, region))
    ]
    assert figures[0][3] == (40, 42)  # 23, 33, 40, 41 and 42 days
    assert all(level == figures[0] for level in figures)


# --- Feedback within 7 days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_on", "within"),
    [
        pytest.param(date(2026, 10, 20), 1, id="day-7-within"),
        pytest.param(date(2026, 10, 21), 0, id="day-8-late"),
    ],
)
def test_it_counts_feedback_by_the_seventh_day_after_the_meeting_as_within(team, member, given_on, within):
    # Given a family discussed on Tuesday 13 October (due on the 20th) who got the feedback on `given_on`
    item = discussed_item(
        started_case(team, member, on=date(2026, 10, 1)), contact=member, meeting=meeting_on(team, date(2026, 10, 13))
    )
    feedback_given(item, given_on)

    summary_refresh()

    dashboard = dashboard_of(team, *AUTUMN)
    assert counts(dashboard, "feedback_due")[OCTOBER] == 1
    assert counts(dashboard, "feedback_within")[OCTOBER] == within
    assert counts(dashboard, "feedback_late")[OCTOBER] == 1 - within


def test_it_takes_the_month_of_a_meeting_just_after_midnight_in_stockholm(team, member):
    # Given a meeting at 00:30 on 1 November in Stockholm: still 31 October in UTC
    meeting = meeting_on(team, date(2026, 11, 1), time(0, 30))
    assert meeting.starts_at.astimezone(datetime.UTC).date() == date(2026, 10, 31)
    case = started_case(team, member, on=date(2026, 10, 20))
    feedback_given(discussed_item(case, contact=member, meeting=meeting), date(2026, 11, 8))

    summary_refresh()

    # Then its feedback (given on the seventh day), its child and its lead time belong to November
    dashboard = dashboard_of(team, *AUTUMN)
    assert counts(dashboard, "feedback_within") == {SEPTEMBER: 0, OCTOBER: 0, NOVEMBER: 1, "total": 1}
    assert counts(dashboard, "children_discussed")[NOVEMBER] == 1
    assert dashboard.lead_times[("month", NOVEMBER)] == (12, 12)


def test_it_counts_a_family_still_waiting_once_the_due_day_has_passed(team, member):
    # Given two families without feedback: one due on 20 October, one due on 24 November (next week)
    overdue = started_case(team, member, on=date(2026, 10, 1))
    discussed_item(overdue, contact=member, meeting=meeting_on(team, date(2026, 10, 13)))
    waiting = started_case(team, member, on=date(2026, 11, 2))
    discussed_item(waiting, contact=member, meeting=meeting_on(team, date(2026, 11, 17)))

    summary_refresh()

    # Then the overdue family is due and late; the other is not counted yet
    dashboard = dashboard_of(team, *AUTUMN)
    assert counts(dashboard, "feedback_due") == {SEPTEMBER: 0, OCTOBER: 1, NOVEMBER: 0, "total": 1}
    assert counts(dashboard, "feedback_within")["total"] == 0


@pytest.mark.parametrize(
    ("meeting_day", "due"),
    [
        pytest.param(date(2026, 11, 13), 0, id="due-today"),
        pytest.param(date(2026, 11, 12), 1, id="due-yesterday"),
    ],
)
def test_it_counts_a_family_as_due_from_the_day_after_the_due_day(team, member, meeting_day, due):
    case = started_case(team, member, on=date(2026, 11, 2))
    discussed_item(case, contact=member, meeting=meeting_on(team, meeting_day))

    summary_refresh()

    assert counts(dashboard_of(team, *AUTUMN), "feedback_due")[NOVEMBER] == due


@pytest.mark.parametrize(
    ("offset", "overdue"),
    [
        pytest.param(-MINUTE, 0, id="a-minute-before"),
        pytest.param(timedelta(0), 1, id="at-midnight"),
        pytest.param(MINUTE, 1, id="a-minute-after"),
    ],
)
def test_it_counts_the_feedback_overdue_as_of_the_refresh(team, member, offset, overdue):
    # Given feedback due on Tuesday 24 November (overdue from midnight after it)
    case = started_case(team, member, on=date(2026, 11, 2))
    item = discussed_item(case, contact=member, meeting=meeting_on(team, date(2026, 11, 17)))
    assert item.deadline.due_at == datetime.datetime(2026, 11, 25, tzinfo=STOCKHOLM)

    # When the summary is refreshed around that midnight (beat does it every five minutes)
    with time_machine.travel(item.deadline.due_at + offset, tick=False):
        summary_refresh()
        dashboard = dashboard_of(team, *AUTUMN)

    # Then the family counts as overdue from midnight, in the month of its meeting
    assert dashboard.cell(TOTAL, "feedback_overdue").n == overdue
    assert counts(dashboard, "feedback_overdue")[NOVEMBER] == overdue


# --- Days to first meeting --------------------------------------------------------------------------


def test_it_gives_the_median_and_90th_percentile_days_to_the_first_meeting(team, member):
    # Given ten cases first discussed on 13 October, started 2 to 60 days before
    day = date(2026, 10, 13)
    meeting = meeting_on(team, day)
    for days in (60, 2, 30, 4, 14, 6, 20, 8, 12, 10):
        case = started_case(team, member, on=day - timedelta(days=days))
        discussed_item(case, contact=member, meeting=meeting)

    summary_refresh()

    # Then the median is the 5th of ten (10 days) and the 90th percentile the 9th (30 days)
    dashboard = dashboard_of(team, *AUTUMN)
    assert dashboard.cell(TOTAL, "first_meetings").n == 10
    assert dashboard.lead_times[("month", OCTOBER)] == (10, 30)
    assert dashboard.lead_times[TOTAL] == (10, 30)


# --- Support ----------------------------------------------------------------------------------------


def test_it_counts_interventions_by_type_without_the_cancelled(team, member):
    case = _supported_case(team, member)
    school, parents = a_type("Anpassat stöd i förskola/skola"), a_type("Föräldrastöd")
    for start, kind in ((date(2026, 10, 1), school), (date(2026, 10, 5), school), (date(2026, 10, 7), parents)):
        an_intervention(case, member, intervention_type=kind, start_date=start, follow_up_date=None)
    cancelled = an_intervention(case, member, intervention_type=parents, start_date=date(2026, 10, 9))
    intervention_update_status(intervention=cancelled, actor=member, status=InterventionStatus.CANCELLED)

    summary_refresh()

    dashboard = dashboard_of(team, *AUTUMN)
    by_type = {key: n for key, n in breakdown(dashboard, Dimension.INTERVENTION).items() if n}
    assert by_type == {str(school.pk): 2, str(parents.pk): 1}
    assert dashboard.cell("interventions", "count").n == 3


def test_it_counts_the_sips_established_by_the_month_they_were_established(team, member):
    # Given a SIP established on 14 October, one today, and one still a draft
    cases = [_supported_case(team, member) for _n in range(3)]
    for case in cases:
        AdultFactory(case=case, first_name="Anna", relation="mother")
    with _at(date(2026, 10, 14)):
        units = principal_units(cases[0])
        established(sip_consent(cases[0], actor=member), actor=member, units=units)
    established(sip_consent(cases[1], actor=member), actor=member, units=units)
    complete_draft(sip_consent(cases[2], actor=member), actor=member, units=units)

    summary_refresh()

    assert counts(dashboard_of(team, *AUTUMN), "sips_established") == {
        SEPTEMBER: 0,
        OCTOBER: 1,
        NOVEMBER: 1,
        "total": 2,
    }


def _follow_up_on(case, member, due: date):
    with _at(due - timedelta(days=14)):
        return a_follow_up(case, member, planned_on=due)


def _held(follow_up, member, on: date):
    follow_up_record(follow_up=follow_up, actor=member, held_on=on, summary="Det går bättre.", today=TODAY)


def test_it_counts_a_follow_up_held_on_its_due_day_as_on_time_and_the_day_after_as_late(team, member):
    case = _supported_case(team, member)
    _held(_follow_up_on(case, member, date(2026, 10, 15)), member, date(2026, 10, 15))
    _held(_follow_up_on(case, member, date(2026, 10, 16)), member, date(2026, 10, 17))

    summary_refresh()

    dashboard = dashboard_of(team, *AUTUMN)
    assert counts(dashboard, "follow_ups_due")[OCTOBER] == 2
    assert counts(dashboard, "follow_ups_on_time")[OCTOBER] == 1
    assert counts(dashboard, "follow_ups_late")[OCTOBER] == 1


def test_it_leaves_a_cancelled_follow_up_out_though_its_deadline_is_met(team, member):
    # Given a follow-up due on 20 October, cancelled: its deadline is completed with it
    follow_up = _follow_up_on(_supported_case(team, member), member, date(2026, 10, 20))
    with _at(date(2026, 10, 10)):
        follow_up_cancel(follow_up=follow_up, actor=member)
    follow_up.deadline.refresh_from_db()
    assert follow_up.deadline.completed_at is not None

    summary_refresh()

    dashboard = dashboard_of(team, *AUTUMN)
    assert counts(dashboard, "follow_ups_due")["total"] == 0
    assert counts(dashboard, "follow_ups_on_time")["total"] == 0


def test_it_counts_a_follow_up_not_held_once_its_day_has_passed(team, member):
    # Given two follow-ups not held: one due on 22 October, one due next week
    case = _supported_case(team, member)
    _follow_up_on(case, member, date(2026, 10, 22))
    _follow_up_on(case, member, date(2026, 11, 25))

    summary_refresh()

    dashboard = dashboard_of(team, *AUTUMN)
    assert counts(dashboard, "follow_ups_due") == {SEPTEMBER: 0, OCTOBER: 1, NOVEMBER: 0, "total": 1}
    assert counts(dashboard, "follow_ups_on_time")["total"] == 0


# --- Closures and the families' experience ----------------------------------------------------------


def test_it_counts_closures_by_reason_and_the_mean_of_the_familys_experience(team, member):
    closed = [
        (ClosureReason.NEEDS_MET, 5),
        (ClosureReason.NEEDS_MET, 4),
        (ClosureReason.NEEDS_MET, 4),
        (ClosureReason.REFERRED, 3),
        (ClosureReason.MOVED, 2),
        (ClosureReason.FAMILY_DECLINED, None),
    ]
    for day, (reason, experience) in enumerate(closed, start=10):
        case = _supported_case(team, member)
        case_close(case=case, actor=member, reason=reason, family_experience=experience, today=date(2026, 10, day))

    summary_refresh()

    dashboard = dashboard_of(team, *AUTUMN)
    assert counts(dashboard, "closures") == {SEPTEMBER: 0, OCTOBER: 6, NOVEMBER: 0, "total": 6}
    assert {key: n for key, n in breakdown(dashboard, Dimension.CLOSURE).items() if n} == {
        ClosureReason.NEEDS_MET: 3,
        ClosureReason.REFERRED: 1,
        ClosureReason.MOVED: 1,
        ClosureReason.FAMILY_DECLINED: 1,
    }
    assert breakdown(dashboard, Dimension.EXPERIENCE) == {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1}
    # The mean is of the five families who answered (18 / 5), too few to show: over five, a
    # family's own score could be solved from it
    assert (dashboard.cell(TOTAL, "experience_sum").n, dashboard.cell(TOTAL, "experience_count").n) == (18, 5)
    key_figures = {row.label: row.values[0] for row in overview(dashboard).rows}
    assert key_figures["The families' experience, mean 1-5"] == "x"


# --- Protected children -----------------------------------------------------------------------------


def _published(dashboard) -> dict:
    """Every figure of the dashboard as the page would show it."""
    return {key: cell.display(dashboard.k) for key, cell in dashboard.cells.items()}


@pytest.mark.parametrize(
    "protection", [ProtectionLevel.PROTECTED_REGISTRATION, ProtectionLevel.CONFIDENTIALITY_MARKING]
)
def test_it_publishes_the_same_figures_with_or_without_a_protected_childs_case(team, member, protection):
    # Given five families' cases started, discussed and closed in October
    for day in range(1, 6):
        case = started_case(team, member, on=date(2026, 10, day))
        feedback_given(
            discussed_item(case, contact=member, meeting=meeting_on(team, date(2026, 10, 13))), date(2026, 10, 15)
        )
    summary_refresh()
    without = [_published(dashboard_of(unit, *AUTUMN)) for unit in (team, team.area.municipality)]

    # When a protected child's case is started, discussed, given feedback and closed the same month
    protected = started_case(team, member, on=date(2026, 10, 2), protection=protection)
    item = discussed_item(protected, contact=member, meeting=meeting_on(team, date(2026, 10, 13)))
    feedback_given(item, date(2026, 10, 14))
    case_close(case=supported(protected), actor=member, reason=ClosureReason.NEEDS_MET, today=TODAY)
    summary_refresh()

    # Then no figure on any level changes: the presence of a protected child cannot be seen
    assert [_published(dashboard_of(unit, *AUTUMN)) for unit in (team, team.area.municipality)] == without
    assert TeamMonth.objects.get(team=team, month=OCTOBER).cases_started == 5


# --- Refreshing the summary -------------------------------------------------------------------------


def test_it_refreshes_only_the_recent_months_and_rebuilds_the_older_ones(team, member):
    # Given a July case in the summary
    started_case(team, member, on=date(2026, 7, 10))
    summary_rebuild()
    # When a second July case is registered late (back-dated), and one in October
    started_case(team, member, on=date(2026, 7, 20))
    started_case(team, member, on=date(2026, 10, 1))

    since = summary_refresh()

    # Then the refresh replaced September to November only: July keeps its old figure
    assert since == SEPTEMBER
    july, october = date(2026, 7, 1), OCTOBER
    figures = counts(dashboard_of(team, july, NOVEMBER), "cases_started")
    assert (figures[july], figures[october]) == (1, 1)

    # And the nightly rebuild corrects July
    summary_rebuild()

    figures = counts(dashboard_of(team, july, NOVEMBER), "cases_started")
    assert (figures[july], figures[october]) == (2, 1)


def _summary() -> list:
    """Every row of the summary tables, without their ids."""
    rows = []
    for model in FACT_MODELS:
        fields = [f.name for f in model._meta.concrete_fields if f.name != "id"]
        rows.append(sorted(model.objects.values_list(*fields), key=repr))
    return rows


def _shown(dashboard) -> dict:
    return {key: (cell.n, cell.key, cell.display(dashboard.k)) for key, cell in dashboard.cells.items()}


def test_it_gives_the_same_figures_when_refreshed_twice(team, member):
    # Given a protected child's case discussed, given feedback in time and closed, and a late feedback
    protected = started_case(team, member, on=date(2026, 9, 20), protection=ProtectionLevel.CONFIDENTIALITY_MARKING)
    other = started_case(team, member, on=date(2026, 9, 21))
    october = meeting_on(team, date(2026, 10, 13))
    feedback_given(discussed_item(protected, contact=member, meeting=october), date(2026, 10, 16))
    feedback_given(discussed_item(other, contact=member, meeting=october), date(2026, 10, 23))
    case_close(case=supported(protected), actor=member, reason=ClosureReason.NEEDS_MET, today=TODAY)
    summary_refresh()
    rows, figures = _summary(), _shown(dashboard_of(team, *AUTUMN))

    summary_refresh()

    assert _summary() == rows
    assert _shown(dashboard_of(team, *AUTUMN)) == figures


def test_it_schedules_the_refresh_every_five_minutes():
    entry = app.conf.beat_schedule["dashboard-summary-refresh"]

    assert entry["task"] == summary_refresh_task.name == "dashboards.tasks.summary_refresh_task"
    assert entry["schedule"] == crontab(minute="*/5")


def test_it_refreshes_the_summary_from_the_task(team, member, eager_tasks):
    summary_rebuild()
    started_case(team, member, on=date(2026, 10, 1))

    result = summary_refresh_task.delay()

    assert result.get() == "2026-09-01"
    assert counts(dashboard_of(team, *AUTUMN), "cases_started")[OCTOBER] == 1


def test_the_task_builds_a_summary_never_built_whole(team, member, eager_tasks):
    # Given a case from July, outside the months a refresh covers, and a summary never rebuilt
    # (a new deployment, or the summary a migration emptied)
    started_case(team, member, on=date(2026, 7, 10))

    # When beat's refresh task runs
    result = summary_refresh_task.delay()

    # Then it built every month, July included, and the next run only refreshes
    assert result.get() == "rebuilt"
    assert counts(dashboard_of(team, date(2026, 7, 1), NOVEMBER), "cases_started")[date(2026, 7, 1)] == 1
    assert summary_refresh_task.delay().get() == "2026-09-01"


@pytest.mark.django_db(transaction=True)
def test_it_vacuums_the_summary_after_the_refresh_task_so_dashboards_read_their_indexes_alone():
    # When the beat task refreshes the summary outside any transaction, as the worker runs it
    summary_refresh_task()

    # Then every summary table has been vacuumed (its pages marked all-visible again)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname LIKE 'dashboards_%%' AND last_vacuum IS NOT NULL"
        )
        assert cursor.fetchone()[0] == len(FACT_MODELS)
