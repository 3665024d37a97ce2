"""Meetings in the user's own calendar program: a secret feed address per user, and iCalendar text.

An event says when and where a team meets and links to the meeting page; it never names a child
or a case. The feed address is a secret: whoever has it sees the user's meeting times, so the
user can replace it (the old address stops working at once) or turn it off.
"""

import re
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from access import policy
from hlt.workdays import local_datetime
from meetings.models import CalendarFeed, Meeting, MeetingStatus
from meetings.scheduling import add_months

# How far back the feed reaches; forward it reaches as far as meetings are generated.
FEED_MONTHS_BACK = 3
PRODID = "-//HLT Samverkan//Moten//SV"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_create(*, user) -> CalendarFeed:
    """The user's feed, created with a new secret token if they have none (so a double click
    creates one, not two)."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user, defaults={"token": _new_token()})
    return feed


@transaction.atomic
def calendar_feed_replace(*, user) -> CalendarFeed:
    """Give the user's feed a new secret token; the old address stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(user=user, defaults={"token": _new_token()})
    return feed


@transaction.atomic
def calendar_feed_delete(*, user) -> bool:
    """Turn the user's feed off; True when there was one."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def calendar_feed_url(feed: CalendarFeed) -> str:
    """The feed's absolute address, to paste into a calendar program."""
    return settings.HLT_BASE_URL.rstrip("/") + reverse("meetings:feed", args=[feed.token])


def feed_meetings(*, user, today: date) -> QuerySet:
    """The meetings of the user's teams (as the access policy lets them see meetings), from
    FEED_MONTHS_BACK months back to the end of the generation horizon, cancelled ones included."""
    first = today.replace(day=1)
    since = local_datetime(add_months(first, -FEED_MONTHS_BACK))
    until = local_datetime(add_months(first, settings.HLT_MEETING_MONTHS_AHEAD + 1))
    return (
        policy.visible(user, Meeting)
        .filter(starts_at__gte=since, starts_at__lt=until)
        .select_related("team")
        .order_by("starts_at")
    )


# --- iCalendar (RFC 5545) --------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def ics_escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n, no control characters."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROL.sub("", text)


def ics_fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character;
    each continuation line starts with one space (which counts towards its 75)."""
    if len(line.encode()) <= 75:
        return line
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _team_label(name: str) -> str:
    # "HLT Ålidhem" gives "HLT-möte Ålidhem", not "HLT-möte HLT Ålidhem".
    return re.sub(r"^HLT[\s-]+", "", name, flags=re.IGNORECASE) or name


def _event(meeting: Meeting, *, base_url: str, now: datetime) -> list[str]:
    summary = _("HLT meeting %(team)s") % {"team": _team_label(meeting.team.name)}
    if meeting.status == MeetingStatus.CANCELLED:
        summary = _("Cancelled: %(summary)s") % {"summary": summary}
    url = base_url + reverse("meetings:detail", args=[meeting.pk])
    description = _("Agenda and minutes in HLT Samverkan: %(url)s") % {"url": url}
    return [
        "BEGIN:VEVENT",
        f"UID:{meeting.pk}@hlt",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        f"SEQUENCE:{meeting.sequence}",
        f"SUMMARY:{ics_escape(summary)}",
        f"LOCATION:{ics_escape(meeting.place)}",
        f"DESCRIPTION:{ics_escape(description)}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if meeting.status == MeetingStatus.CANCELLED else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def ics_calendar(meetings: Iterable[Meeting], *, now: datetime, name: str = "") -> str:
    """An iCalendar document with one event per meeting: team, time (UTC), place and a link.

    Nothing about children or cases: the meeting page behind the link asks for a login.
    """
    base_url = settings.HLT_BASE_URL.rstrip("/")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{ics_escape(name)}")
    for meeting in meetings:
        lines.extend(_event(meeting, base_url=base_url, now=now))
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)
