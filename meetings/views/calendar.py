"""The meetings in a calendar program: one meeting's .ics file, and the user's secret feed.

Neither carries anything about a child: team, time, place and a link to the meeting page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from access import policy
from access.log import log_access
from access.models import LogAction, Outcome
from meetings.calendar import (
    calendar_feed_create,
    calendar_feed_delete,
    calendar_feed_replace,
    calendar_feed_url,
    feed_meetings,
    ics_calendar,
)
from meetings.forms import CalendarFeedForm
from meetings.models import CalendarFeed, Meeting
from teams.selectors import team_list_for_member

CALENDAR_TYPE = "text/calendar; charset=utf-8"


@login_required
@require_safe
def meeting_ics(request, meeting_id):
    """One meeting as an .ics file to open in a calendar program; logged as an export."""
    meeting = policy.get_for_user(
        request, Meeting.objects.select_related("team"), meeting_id, log_action=LogAction.EXPORT
    )
    response = HttpResponse(ics_calendar([meeting], now=timezone.now()), content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = 'attachment; filename="hlt-mote.ics"'
    return response


@login_required
def calendar_feed_page(request):
    """The user's secret calendar address: show it, create it, replace it or turn it off."""
    if request.method == "POST":
        form = CalendarFeedForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the buttons."))
        elif form.cleaned_data["action"] == CalendarFeedForm.DELETE:
            calendar_feed_delete(user=request.user)
            messages.success(request, _("The calendar address is turned off. It no longer works."))
        elif form.cleaned_data["action"] == CalendarFeedForm.REPLACE:
            calendar_feed_replace(user=request.user)
            messages.success(
                request,
                _("You have a new calendar address. The old one no longer works: update your calendar program."),
            )
        else:
            calendar_feed_create(user=request.user)
            messages.success(request, _("Your calendar address is ready. Add it to your calendar program."))
        return redirect("meetings:calendar")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = calendar_feed_url(feed) if feed else ""
    context = {
        "feed": feed,
        "feed_url": url,
        "webcal_url": url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
        "teams": team_list_for_member(request.user),
    }
    return render(request, "meetings/calendar_feed.html", context)


@never_cache
@require_safe
def calendar_feed(request, token):
    """The user's meetings for a calendar program, which cannot log in: the secret token in the
    address stands in for the login. An unknown or replaced token, or an inactive user, gets 404."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    # The token authenticates this request: the policy and the access log see the feed's owner.
    request.user = feed.user
    log_access(
        request,
        action=LogAction.EXPORT,
        outcome=Outcome.ALLOWED,
        object_type="meetings.calendarfeed",
        object_id=feed.pk,
    )
    # A calendar program sends no language preference: events are in the portal's language.
    with translation.override(settings.LANGUAGE_CODE):
        body = ics_calendar(
            feed_meetings(user=feed.user, today=timezone.localdate()),
            now=timezone.now(),
            name=_("HLT meetings"),
        )
    return HttpResponse(body, content_type=CALENDAR_TYPE)
