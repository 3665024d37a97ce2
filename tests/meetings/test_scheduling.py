"""Meeting schedules: generation across holidays and months, schedule changes, moving and cancelling.

The clock stands still at Monday 4 January 2027, 09:00 in Stockholm. Facts used below: Epiphany is
Wednesday 6 January 2027, Ascension Day Thursday 6 May 2027, and Friday 31 December 2027 is New
Year's Eve (kept as a holiday). The default schedule meets the second Tuesday, 13:00-15:30.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStatus
from meetings.models import AgendaItem, ItemState, Meeting, MeetingSchedule, MeetingStatus, RemovalReason
from meetings.scheduling import meeting_cancel, meeting_day, meeting_move, meetings_generate, schedule_apply
from notifications.models import Kind, Notification
from tests.factories import CaseFactory, MeetingFactory, ScheduleFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = date(2027, 1, 4)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2027, 1, 4, 9, 0, tzinfo=STOCKHOLM), tick=False) as traveller:
        yield traveller


def _schedule(**fields) -> MeetingSchedule:
    """An unsaved schedule, for the pure date rule."""
    values = {
        "week_of_month": 2,
        "weekday": 1,
        "start_time": time(13, 0),
        "end_time": time(15, 30),
        "place": "Rum 3",
        "holiday_rule": "move",
        "paused_months": "",
    }
    return MeetingSchedule(**{**values, **fields})


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def _on_agenda(meeting: Meeting, added_by, position: int = 0, consent_until=date(2027, 12, 31)) -> AgendaItem:
    case = CaseFactory(
        team=meeting.team, initiator=added_by, status=CaseStatus.ON_AGENDA, consent_in_force_until=consent_until
    )
    return AgendaItem.objects.create(meeting=meeting, case=case, added_by=added_by, position=position)


# --- The date rule -----------------------------------------------------------------------------------
def test_it_places_the_meeting_on_the_nth_weekday_of_the_month():
    assert meeting_day(schedule=_schedule(), month=date(2027, 2, 1)) == date(2027, 2, 9)


def test_it_places_a_last_week_schedule_on_the_last_such_weekday():
    # February 2027 ends on a Sunday; its last Tuesday is the 23rd.
    assert meeting_day(schedule=_schedule(week_of_month=-1), month=date(2027, 2, 1)) == date(2027, 2, 23)


def test_it_moves_a_meeting_on_epiphany_to_the_next_working_day():
    schedule = _schedule(week_of_month=1, weekday=2)  # first Wednesday: 6 January 2027

    assert meeting_day(schedule=schedule, month=date(2027, 1, 1)) == date(2027, 1, 7)


def test_it_skips_the_month_when_ascension_day_falls_on_the_meeting_day_and_the_rule_says_skip():
    schedule = _schedule(week_of_month=1, weekday=3, holiday_rule="skip")  # first Thursday: 6 May 2027

    assert meeting_day(schedule=schedule, month=date(2027, 5, 1)) is None


def test_it_moves_back_to_the_last_working_day_when_moving_on_would_leave_the_month():
    schedule = _schedule(week_of_month=-1, weekday=4)  # last Friday: New Year's Eve 2027

    assert meeting_day(schedule=schedule, month=date(2027, 12, 1)) == date(2027, 12, 30)


def test_it_has_no_meeting_in_a_paused_month():
    assert meeting_day(schedule=_schedule(paused_months="6, 7"), month=date(2027, 7, 1)) is None


def test_it_refuses_unreadable_paused_months_with_a_clear_message(team):
    schedule = ScheduleFactory.build(team=team, paused_months="juli")

    with pytest.raises(ValidationError) as refused:
        schedule.full_clean()

    assert "“juli” is not a month number" in refused.value.message_dict["paused_months"][0]


def test_it_stores_paused_months_tidily(team):
    schedule = ScheduleFactory.build(team=team, paused_months="12,7 ")

    schedule.full_clean()

    assert schedule.paused_months == "7, 12"


# --- Generation --------------------------------------------------------------------------------------
def test_it_generates_one_meeting_a_month_through_the_horizon(team, settings):
    settings.HLT_MEETING_MONTHS_AHEAD = 6
    ScheduleFactory(team=team)

    created = meetings_generate(today=TODAY)

    days = [timezone.localdate(start) for start in Meeting.objects.values_list("starts_at", flat=True)]
    assert created == 7
    assert days == [
        date(2027, month, day) for month, day in [(1, 12), (2, 9), (3, 9), (4, 13), (5, 11), (6, 8), (7, 13)]
    ]


def test_it_creates_nothing_when_run_twice(team, settings):
    settings.HLT_MEETING_MONTHS_AHEAD = 6
    ScheduleFactory(team=team)
    meetings_generate(today=TODAY)

    assert meetings_generate(today=TODAY) == 0
    assert Meeting.objects.count() == 7


def test_it_leaves_out_a_paused_july(team, settings):
    settings.HLT_MEETING_MONTHS_AHEAD = 6
    ScheduleFactory(team=team, paused_months="7")

    meetings_generate(today=TODAY)

    assert not Meeting.objects.filter(month=date(2027, 7, 1)).exists()
    assert Meeting.objects.count() == 6


def test_it_generates_the_moved_day_across_a_holiday(team):
    ScheduleFactory(team=team, week_of_month=1, weekday=2)  # first Wednesday: Epiphany in January

    meetings_generate(today=TODAY, months=0)

    assert timezone.localdate(Meeting.objects.get().starts_at) == date(2027, 1, 7)


def test_it_sets_times_and_the_agenda_cutoff_in_stockholm_time(team):
    ScheduleFactory(team=team, agenda_cutoff_days=7)

    meetings_generate(today=TODAY)

    february = Meeting.objects.get(month=date(2027, 2, 1))
    assert february.starts_at == datetime(2027, 2, 9, 12, 0, tzinfo=UTC)
    assert february.ends_at == datetime(2027, 2, 9, 14, 30, tzinfo=UTC)
    assert february.agenda_closes_at == _at(date(2027, 2, 2), 0)
    assert february.place == "Ålidhems hälsocentral, rum 3"


def test_it_does_not_generate_a_meeting_that_has_started(team, _clock):
    ScheduleFactory(team=team)
    _clock.move_to(datetime(2027, 1, 12, 13, 1, tzinfo=STOCKHOLM))

    meetings_generate(today=date(2027, 1, 12))

    assert not Meeting.objects.filter(month=date(2027, 1, 1)).exists()


def test_it_does_not_replace_a_cancelled_meeting(team):
    ScheduleFactory(team=team)
    MeetingFactory(team=team, day=date(2027, 2, 9), status=MeetingStatus.CANCELLED)

    meetings_generate(today=TODAY)

    assert Meeting.objects.filter(month=date(2027, 2, 1)).count() == 1


def test_it_generates_nothing_for_inactive_schedules_or_teams(team, other_team):
    ScheduleFactory(team=team, is_active=False)
    other_team.is_active = False
    other_team.save()
    ScheduleFactory(team=other_team)

    assert meetings_generate(today=TODAY) == 0


@pytest.mark.parametrize("teams", [1, 5])
def test_it_generates_with_the_same_number_of_queries_for_any_number_of_teams(
    django_assert_num_queries, settings, teams
):
    settings.HLT_MEETING_MONTHS_AHEAD = 6
    for _ in range(teams):
        ScheduleFactory(team=TeamFactory())
    # savepoint, schedules, existing (team, month) pairs, one insert, release
    with django_assert_num_queries(5):
        assert meetings_generate(today=TODAY) == 7 * teams


# --- A changed schedule ------------------------------------------------------------------------------
def test_it_moves_untouched_future_meetings_to_the_changed_schedule(team):
    schedule = ScheduleFactory(team=team)
    meetings_generate(today=TODAY)
    schedule.week_of_month, schedule.weekday, schedule.place = 3, 2, "Rum 5"
    schedule.save()

    result = schedule_apply(schedule=schedule, today=TODAY)

    february = Meeting.objects.get(month=date(2027, 2, 1))
    assert (february.starts_at, february.place, february.sequence) == (_at(date(2027, 2, 17), 13), "Rum 5", 1)
    assert (result.updated, result.created, result.deleted) == (7, 0, 0)


def test_it_tells_the_team_when_a_schedule_change_moves_a_meeting_with_cases(team, member, colleague):
    schedule = ScheduleFactory(team=team)
    meetings_generate(today=TODAY)
    february = Meeting.objects.get(month=date(2027, 2, 1))
    lapsing = _on_agenda(february, member, 0, consent_until=date(2027, 2, 10))
    staying = _on_agenda(february, member, 1)
    schedule.week_of_month = 3  # the 9th becomes the 16th
    schedule.save()

    schedule_apply(schedule=schedule, today=TODAY)

    lapsing.refresh_from_db()
    staying.refresh_from_db()
    assert lapsing.removal_reason == RemovalReason.CONSENT
    assert staying.state == ItemState.PLANNED
    # Only the meeting with cases on its agenda is announced; the calendar feed carries the others.
    moved = Notification.objects.filter(kind=Kind.MEETING_MOVED)
    assert sorted(moved.values_list("recipient_id", flat=True)) == sorted([member.pk, colleague.pk])


def test_it_leaves_a_meeting_moved_by_hand_where_it_is(team):
    schedule = ScheduleFactory(team=team)
    moved = MeetingFactory(team=team, day=date(2027, 2, 10), rescheduled=True)
    schedule.weekday = 3
    schedule.save()

    schedule_apply(schedule=schedule, today=TODAY)

    moved.refresh_from_db()
    assert timezone.localdate(moved.starts_at) == date(2027, 2, 10)


def test_it_deletes_an_empty_meeting_in_a_month_newly_paused(team):
    schedule = ScheduleFactory(team=team)
    meetings_generate(today=TODAY)
    schedule.paused_months = "3"
    schedule.save()

    result = schedule_apply(schedule=schedule, today=TODAY)

    assert result.deleted == 1
    assert not Meeting.objects.filter(month=date(2027, 3, 1)).exists()


def test_it_keeps_and_reports_a_meeting_with_cases_in_a_month_newly_paused(team, member):
    schedule = ScheduleFactory(team=team)
    meetings_generate(today=TODAY)
    march = Meeting.objects.get(month=date(2027, 3, 1))
    _on_agenda(march, member)
    schedule.paused_months = "3"
    schedule.save()

    result = schedule_apply(schedule=schedule, today=TODAY)

    assert result.kept == [march]
    assert Meeting.objects.filter(pk=march.pk).exists()


def _schedule_form(team, **fields) -> dict:
    """The admin's schedule form: the second Tuesday, 13:00-15:30, plus `fields`."""
    return {
        "team": team.pk,
        "week_of_month": 2,
        "weekday": 1,
        "start_time": "13:00",
        "end_time": "15:30",
        "place": "Rum 3",
        "agenda_cutoff_days": 7,
        "holiday_rule": "move",
        **fields,
    }


def test_it_applies_a_schedule_saved_in_the_admin(client, admin_user, team):
    client.force_login(admin_user)
    form = _schedule_form(team, paused_months="7", is_active="on")

    response = client.post(reverse("admin:meetings_meetingschedule_add"), form, follow=True)

    assert response.status_code == 200
    assert Meeting.objects.filter(team=team).count() == 6


def test_it_refuses_bad_paused_months_in_the_admin(client, admin_user, team):
    client.force_login(admin_user)
    form = _schedule_form(team, paused_months="13")

    response = client.post(reverse("admin:meetings_meetingschedule_add"), form)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["paused_months"]
    assert not MeetingSchedule.objects.exists()


# --- Moving one meeting ------------------------------------------------------------------------------
def _move(meeting, actor, day: date, start: int = 13, end: int = 15, place: str = "Rum 7"):
    return meeting_move(
        meeting=meeting,
        actor=actor,
        starts_at=_at(day, start),
        ends_at=_at(day, end),
        place=place,
        now=timezone.now(),
    )


def test_it_refuses_to_move_a_meeting_to_a_time_that_has_passed(team, coordinator):
    meeting = MeetingFactory(team=team)

    with pytest.raises(ValidationError) as refused:
        _move(meeting, coordinator, date(2027, 1, 4), start=8, end=9)

    assert "already passed" in refused.value.message_dict["starts_at"][0]


def test_it_refuses_an_end_before_the_start(team, coordinator):
    meeting = MeetingFactory(team=team)

    with pytest.raises(ValidationError) as refused:
        _move(meeting, coordinator, date(2027, 1, 20), start=15, end=13)

    assert "end after it starts" in refused.value.message_dict["ends_at"][0]


def test_it_refuses_a_time_overlapping_another_meeting_of_the_team(team, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))
    MeetingFactory(team=team, day=date(2027, 2, 9))

    with pytest.raises(ValidationError) as refused:
        _move(meeting, coordinator, date(2027, 2, 9), start=14, end=16)

    assert "already has a meeting at that time (2027-02-09 13:00–15:30)" in refused.value.message_dict["starts_at"][0]


def test_it_allows_the_time_of_a_cancelled_meeting(team, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))
    MeetingFactory(team=team, day=date(2027, 2, 9), status=MeetingStatus.CANCELLED)

    moved = _move(meeting, coordinator, date(2027, 2, 9))

    assert moved.starts_at == _at(date(2027, 2, 9), 13)


def test_it_refuses_to_move_a_cancelled_meeting(team, coordinator):
    meeting = MeetingFactory(team=team, status=MeetingStatus.CANCELLED)

    with pytest.raises(ValidationError, match="already cancelled"):
        _move(meeting, coordinator, date(2027, 1, 20))


def test_it_marks_the_meeting_moved_and_sets_the_cutoff_from_the_schedule(team, coordinator):
    ScheduleFactory(team=team, agenda_cutoff_days=3)
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))

    moved = _move(meeting, coordinator, date(2027, 1, 20))

    moved.refresh_from_db()
    assert (moved.rescheduled, moved.place, moved.sequence) == (True, "Rum 7", 1)
    assert moved.agenda_closes_at == _at(date(2027, 1, 17), 0)


def test_it_notifies_each_member_once_about_a_move(team, member, colleague, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))
    _on_agenda(meeting, member)  # member is both a member and the one who added the case

    _move(meeting, coordinator, date(2027, 1, 20))

    notices = Notification.objects.filter(kind=Kind.MEETING_MOVED)
    assert sorted(notices.values_list("recipient_id", flat=True)) == sorted([member.pk, colleague.pk])
    assert {notice.link for notice in notices} == {reverse("meetings:detail", args=[meeting.pk])}


def test_it_keeps_the_agenda_with_the_moved_meeting_and_notes_it_on_the_case(team, member, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))
    item = _on_agenda(meeting, member)

    _move(meeting, coordinator, date(2027, 1, 20))

    item.refresh_from_db()
    assert (item.meeting_id, item.state) == (meeting.pk, ItemState.PLANNED)
    event = CaseEvent.objects.get(case=item.case, action="meeting.move")
    assert event.details == {"meeting_id": str(meeting.pk)}


def test_it_takes_a_case_off_when_its_consent_ends_before_the_new_day(team, member, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))
    lapsing = _on_agenda(meeting, member, 0, consent_until=date(2027, 1, 15))
    staying = _on_agenda(meeting, member, 1)

    _move(meeting, coordinator, date(2027, 1, 20))

    lapsing.refresh_from_db()
    staying.refresh_from_db()
    assert (lapsing.state, lapsing.removal_reason) == (ItemState.REMOVED, RemovalReason.CONSENT)
    assert Case.objects.get(pk=lapsing.case_id).status == CaseStatus.READY
    assert staying.state == ItemState.PLANNED
    assert Notification.objects.filter(recipient=member, kind=Kind.AGENDA_REMOVED).count() == 1


# --- Cancelling one meeting --------------------------------------------------------------------------
def _cancel(meeting, actor, reason="Sjukdom"):
    return meeting_cancel(meeting=meeting, actor=actor, reason=reason, now=timezone.now())


def test_it_moves_the_agenda_to_the_end_of_the_next_meetings_agenda(team, member, coordinator):
    cancelled = MeetingFactory(team=team, day=date(2027, 1, 12))
    first, second = _on_agenda(cancelled, member, 0), _on_agenda(cancelled, member, 1)
    next_meeting = MeetingFactory(team=team, day=date(2027, 2, 9))
    waiting = _on_agenda(next_meeting, member, 0)

    result = _cancel(cancelled, coordinator)

    agenda = list(AgendaItem.objects.filter(meeting=next_meeting).order_by("position"))
    assert agenda == [waiting, first, second]
    assert result.moved_to == next_meeting
    assert Meeting.objects.get(pk=cancelled.pk).status == MeetingStatus.CANCELLED


def test_it_takes_off_a_moved_case_whose_consent_ends_before_the_next_meeting(team, member, coordinator):
    cancelled = MeetingFactory(team=team, day=date(2027, 1, 12))
    lapsing = _on_agenda(cancelled, member, 0, consent_until=date(2027, 1, 31))
    staying = _on_agenda(cancelled, member, 1)
    next_meeting = MeetingFactory(team=team, day=date(2027, 2, 9))

    _cancel(cancelled, coordinator)

    lapsing.refresh_from_db()
    assert (lapsing.state, lapsing.removal_reason) == (ItemState.REMOVED, RemovalReason.CONSENT)
    assert Case.objects.get(pk=lapsing.case_id).status == CaseStatus.READY
    assert list(AgendaItem.objects.filter(meeting=next_meeting, state=ItemState.PLANNED)) == [staying]
    assert Notification.objects.filter(recipient=member, kind=Kind.AGENDA_REMOVED).count() == 1


def test_it_notifies_those_concerned_about_a_cancellation(team, member, colleague, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))
    MeetingFactory(team=team, day=date(2027, 2, 9))
    _on_agenda(meeting, member)

    _cancel(meeting, coordinator)

    notices = Notification.objects.filter(kind=Kind.MEETING_CANCELLED)
    assert sorted(notices.values_list("recipient_id", flat=True)) == sorted([member.pk, colleague.pk])


def test_it_sends_cases_back_to_ready_without_a_later_meeting(team, member, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))
    item = _on_agenda(meeting, member)

    result = _cancel(meeting, coordinator)

    item.refresh_from_db()
    item.case.refresh_from_db()
    assert result.moved_to is None
    assert (item.state, item.removal_reason) == (ItemState.REMOVED, RemovalReason.MEETING_CANCELLED)
    assert item.case.status == CaseStatus.READY


def test_it_refuses_a_second_cancellation_cleanly(team, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))
    _cancel(meeting, coordinator)

    with pytest.raises(ValidationError, match="already cancelled"):
        _cancel(meeting, coordinator)


def test_it_requires_a_reason_to_cancel(team, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))

    with pytest.raises(ValidationError) as refused:
        _cancel(meeting, coordinator, reason="  ")

    assert "reason" in refused.value.message_dict


def test_it_refuses_to_cancel_a_closed_meeting(team, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12), status=MeetingStatus.CLOSED)

    with pytest.raises(ValidationError, match="minutes of this meeting are closed"):
        _cancel(meeting, coordinator)


def test_it_refuses_to_cancel_a_meeting_that_has_taken_place(team, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 4) - timedelta(days=1))

    with pytest.raises(ValidationError, match="already taken place"):
        _cancel(meeting, coordinator)


def test_it_shows_an_administrator_a_meeting_without_its_agenda(client, admin_user, team, member):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12))
    child = _on_agenda(meeting, member).case.child
    child.first_name, child.last_name = "Tindra", "Lindqvist"
    child.save()
    client.force_login(admin_user)

    response = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))

    assert response.status_code == 200
    assert child.first_name not in response.content.decode()
    assert child.last_name not in response.content.decode()


def test_it_refuses_to_cancel_a_meeting_whose_minutes_are_being_recorded(team, member, coordinator):
    meeting = MeetingFactory(team=team, day=date(2027, 1, 4))
    item = _on_agenda(meeting, member)
    item.state = ItemState.DISCUSSED
    item.save()

    with pytest.raises(ValidationError, match="Minutes are being recorded"):
        _cancel(meeting, coordinator)
