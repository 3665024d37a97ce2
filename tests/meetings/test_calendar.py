"""Meetings in calendar programs: one meeting's .ics, the secret feed, and the iCalendar text.

The clock stands still at Monday 4 January 2027, 09:00 in Stockholm (UTC+1 in winter).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import CaseStatus
from meetings.calendar import calendar_feed_create, ics_escape, ics_fold
from meetings.models import AgendaItem, CalendarFeed, MeetingStatus
from meetings.scheduling import meeting_move
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2027, 1, 4, 9, 0, tzinfo=STOCKHOLM), tick=False):
        yield


@pytest.fixture
def meeting(team, member):
    """12 January 2027, 13:00-15:30, with a case on the agenda whose child has a known name."""
    meeting = MeetingFactory(team=team, day=date(2027, 1, 12), place="Ålidhems hälsocentral, rum 3")
    case = CaseFactory(
        team=team,
        initiator=member,
        status=CaseStatus.ON_AGENDA,
        child__first_name="Tindra",
        child__last_name="Lindqvist",
    )
    AgendaItem.objects.create(meeting=meeting, case=case, added_by=member)
    return meeting


def _shown(msgid: str) -> str:
    """`msgid` as the Swedish page shows it (HTML-escaped)."""
    with translation.override("sv"):
        return escape(gettext(msgid))


def _lines(body: str) -> list[str]:
    """The content lines, unfolded."""
    assert body.endswith("\r\n")
    return body.replace("\r\n ", "").split("\r\n")[:-1]


def _events(body: str) -> list[dict[str, str]]:
    events, current = [], None
    for line in _lines(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return events


# --- One meeting's .ics ------------------------------------------------------------------------------
def test_it_downloads_a_meeting_with_team_time_and_place(client, member, meeting):
    client.force_login(member)

    response = client.get(reverse("meetings:ics", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    [event] = _events(response.content.decode())
    assert event["UID"] == f"{meeting.pk}@hlt"
    assert event["DTSTART"] == "20270112T120000Z"
    assert event["DTEND"] == "20270112T143000Z"
    assert event["LOCATION"] == "Ålidhems hälsocentral\\, rum 3"
    assert "Ålidhem" in event["SUMMARY"]
    assert event["URL"].endswith(reverse("meetings:detail", args=[meeting.pk]))
    assert event["STATUS"] == "CONFIRMED"


def test_it_puts_no_child_data_in_the_ics(client, member, meeting):
    client.force_login(member)
    child = meeting.items.get().case.child

    body = client.get(reverse("meetings:ics", args=[meeting.pk])).content.decode()

    for secret in ["Tindra", "Lindqvist", child.identity_number, child.identity_number[2:8]]:
        assert secret not in body


def test_it_logs_the_ics_download_as_an_export(client, member, meeting):
    client.force_login(member)

    client.get(reverse("meetings:ics", args=[meeting.pk]))

    entry = AccessLogEntry.objects.get(user_id=member.pk)
    assert (entry.action, entry.outcome, entry.object_id) == (LogAction.EXPORT, Outcome.ALLOWED, str(meeting.pk))
    assert entry.child_id is None


def test_it_gives_an_outsider_404_for_a_meeting_ics_and_logs_the_refusal(client, outsider, meeting):
    client.force_login(outsider)

    response = client.get(reverse("meetings:ics", args=[meeting.pk]))

    assert response.status_code == 404
    assert AccessLogEntry.objects.get(user_id=outsider.pk).outcome == Outcome.DENIED


def test_it_sends_an_anonymous_visitor_to_log_in_for_a_meeting_ics(client, meeting):
    response = client.get(reverse("meetings:ics", args=[meeting.pk]))

    assert response.status_code == 302


def test_it_raises_the_sequence_when_a_meeting_is_moved(client, member, coordinator, meeting):
    client.force_login(member)
    url = reverse("meetings:ics", args=[meeting.pk])
    before = _events(client.get(url).content.decode())[0]["SEQUENCE"]
    meeting_move(
        meeting=meeting,
        actor=coordinator,
        starts_at=datetime(2027, 1, 19, 13, 0, tzinfo=STOCKHOLM),
        ends_at=datetime(2027, 1, 19, 15, 0, tzinfo=STOCKHOLM),
        place="Rum 7",
        now=timezone.now(),
    )

    after = _events(client.get(url).content.decode())[0]

    assert (before, after["SEQUENCE"], after["DTSTART"]) == ("0", "1", "20270119T120000Z")


# --- The iCalendar text ------------------------------------------------------------------------------
def test_it_escapes_backslashes_semicolons_commas_and_line_breaks():
    assert ics_escape("a\\b;c,d\r\ne\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_it_folds_long_lines_at_75_octets_without_splitting_a_character():
    line = "LOCATION:" + "åäö" * 40

    folded = ics_fold(line)

    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_it_ends_every_line_with_crlf_within_75_octets(client, member, team):
    MeetingFactory(team=team, place="Ett mycket långt ställe; med semikolon, komma och ännu mer text " * 2)
    client.force_login(member)
    feed = calendar_feed_create(user=member)

    body = client.get(reverse("meetings:feed", args=[feed.token])).content.decode()

    raw_lines = body.split("\r\n")[:-1]
    assert "\n" not in "".join(raw_lines)
    assert all(len(line.encode()) <= 75 for line in raw_lines)
    assert _lines(body)[0] == "BEGIN:VCALENDAR" and _lines(body)[-1] == "END:VCALENDAR"


# --- The feed ----------------------------------------------------------------------------------------
def test_it_serves_the_feed_without_a_login(client, member, meeting):
    feed = calendar_feed_create(user=member)

    response = client.get(reverse("meetings:feed", args=[feed.token]))

    assert response.status_code == 200
    assert [event["UID"] for event in _events(response.content.decode())] == [f"{meeting.pk}@hlt"]


def test_it_puts_no_child_data_in_the_feed(client, member, meeting):
    feed = calendar_feed_create(user=member)

    body = client.get(reverse("meetings:feed", args=[feed.token])).content.decode()

    assert "Tindra" not in body and "Lindqvist" not in body


def test_it_marks_a_cancelled_meeting_cancelled_in_the_feed(client, member, team):
    MeetingFactory(team=team, status=MeetingStatus.CANCELLED, cancel_reason="Sjukdom")
    feed = calendar_feed_create(user=member)

    [event] = _events(client.get(reverse("meetings:feed", args=[feed.token])).content.decode())

    assert event["STATUS"] == "CANCELLED"


def test_it_leaves_out_the_meetings_of_teams_the_user_is_not_in(client, member, team, other_team):
    MeetingFactory(team=other_team)
    feed = calendar_feed_create(user=member)

    body = client.get(reverse("meetings:feed", args=[feed.token])).content.decode()

    assert _events(body) == []


def test_it_covers_three_months_back_to_the_generation_horizon(client, member, team, settings):
    settings.HLT_MEETING_MONTHS_AHEAD = 6
    for day in [date(2026, 9, 30), date(2026, 10, 1), date(2027, 7, 30), date(2027, 8, 2)]:
        MeetingFactory(team=team, day=day)
    feed = calendar_feed_create(user=member)

    events = _events(client.get(reverse("meetings:feed", args=[feed.token])).content.decode())

    assert [event["DTSTART"][:8] for event in events] == ["20261001", "20270730"]


def test_it_answers_404_for_an_unknown_token(client):
    assert client.get(reverse("meetings:feed", args=["not-a-token"])).status_code == 404


def test_it_answers_404_for_a_replaced_token(client, member):
    old = calendar_feed_create(user=member).token
    client.force_login(member)
    client.post(reverse("meetings:calendar"), {"action": "replace"})
    client.logout()

    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    new = CalendarFeed.objects.get(user=member).token
    assert client.get(reverse("meetings:feed", args=[new])).status_code == 200


def test_it_answers_404_for_an_inactive_user(client, member):
    feed = calendar_feed_create(user=member)
    member.is_active = False
    member.save()

    assert client.get(reverse("meetings:feed", args=[feed.token])).status_code == 404


def test_it_does_not_let_the_feed_be_cached(client, member):
    feed = calendar_feed_create(user=member)

    response = client.get(reverse("meetings:feed", args=[feed.token]))

    assert "no-store" in response["Cache-Control"]


def test_it_logs_one_export_for_the_feed_owner_without_child_data(client, member, meeting):
    feed = calendar_feed_create(user=member)

    client.get(reverse("meetings:feed", args=[feed.token]))

    entry = AccessLogEntry.objects.get()
    assert (entry.user_id, entry.action, entry.object_type) == (member.pk, LogAction.EXPORT, "meetings.calendarfeed")
    assert entry.child_id is None


@pytest.mark.parametrize("meetings", [1, 10])
def test_it_builds_the_feed_with_the_same_number_of_queries(
    client, member, team, meetings, settings, django_assert_num_queries
):
    settings.HLT_MEETING_MONTHS_AHEAD = 12
    for month in range(1, meetings + 1):
        MeetingFactory(team=team, day=date(2027, month, 12))
    feed = calendar_feed_create(user=member)
    # the feed and its user, the access-log entry, the meetings with their teams
    with django_assert_num_queries(3):
        client.get(reverse("meetings:feed", args=[feed.token]))


# --- The calendar page -------------------------------------------------------------------------------
def test_it_creates_a_feed_and_shows_its_absolute_address(client, member, settings):
    settings.HLT_BASE_URL = "https://hlt.example.se"
    client.force_login(member)

    response = client.post(reverse("meetings:calendar"), {"action": "create"}, follow=True)

    token = CalendarFeed.objects.get(user=member).token
    assert f"https://hlt.example.se/kalender/{token}.ics" in response.content.decode()


def test_it_creates_one_feed_on_a_double_click(client, member):
    client.force_login(member)

    client.post(reverse("meetings:calendar"), {"action": "create"})
    first = CalendarFeed.objects.get(user=member).token
    client.post(reverse("meetings:calendar"), {"action": "create"})

    assert CalendarFeed.objects.get(user=member).token == first


def test_it_turns_the_feed_off(client, member):
    token = calendar_feed_create(user=member).token
    client.force_login(member)

    client.post(reverse("meetings:calendar"), {"action": "delete"})

    assert not CalendarFeed.objects.filter(user=member).exists()
    assert client.get(reverse("meetings:feed", args=[token])).status_code == 404


def test_it_explains_that_the_address_is_personal(client, member):
    client.force_login(member)

    response = client.get(reverse("meetings:calendar"))

    assert response.status_code == 200
    assert _shown("You have no calendar address yet. The address is personal: keep it to yourself.") in (
        response.content.decode()
    )


def test_it_shows_a_message_for_an_unknown_choice(client, member):
    client.force_login(member)

    response = client.post(reverse("meetings:calendar"), {"action": "explode"}, follow=True)

    assert _shown("Choose one of the buttons.") in response.content.decode()
    assert not CalendarFeed.objects.exists()
