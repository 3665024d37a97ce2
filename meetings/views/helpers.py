"""What the meeting views share: fetching the meeting and its items through the policy, refusing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from access import policy
from access.log import form_log_action
from cases.selectors import case_plain
from hlt.pages import form_saved
from meetings.models import AgendaItem, Meeting
from meetings.selectors import (
    meeting_plain,
)

PAGE_SIZE = 20


def _meeting(request, meeting_id, *, action=policy.VIEW, queryset=None) -> Meeting:
    """The meeting for a page: showing a form is logged as a view, posting it as an update."""
    queryset = queryset if queryset is not None else meeting_plain()
    return policy.get_for_user(request, queryset, meeting_id, action=action, log_action=form_log_action(request))


def _item(request, meeting: Meeting, item_id: int) -> AgendaItem:
    """One item of the meeting whose case the user may see (404 otherwise), its child logged."""
    item = policy.get_part(
        request, AgendaItem.objects.filter(meeting=meeting), item_id, log_action=form_log_action(request)
    )
    # The policy logs the case read (or its refusal) with the child's id.
    item.case = policy.get_for_user(request, case_plain(), item.case_id, log_action=form_log_action(request))
    return item


def _item_label(item: AgendaItem) -> str:
    return _("%(name)s (case %(reference)s)") % {"name": item.case.child.full_name, "reference": item.case.reference}


def _detail_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("meetings:detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _detail(meeting: Meeting, anchor: str = ""):
    return redirect(_detail_url(meeting, anchor))


def _refused(request, error: ValidationError) -> None:
    # Refusals after a redirect go through the message cookie: they carry dates, never names.
    messages.error(request, " ".join(error.messages))


def _day(meeting: Meeting) -> str:
    return formats.date_format(timezone.localtime(meeting.starts_at), "Y-m-d")


def _meeting_page(request, meeting: Meeting, *, form, title: str, submit: str = "", intro: str = "", **extra):
    """A form under a meeting: the meeting's own header and a link back to it (the button: as `form_page`)."""
    context = {"meeting": meeting, "form": form, "title": title, "submit": submit or title, "intro": intro, **extra}
    return render(request, "meetings/meeting_form.html", context)


def _meeting_flow(request, meeting: Meeting, form, *, save, success, anchor: str = "", **page):
    """`form_saved`, back to the meeting (at `anchor`), else the form on a `_meeting_page`."""
    saved = form_saved(request, form, save=save, success=success, redirect_to=_detail_url(meeting, anchor))
    return saved if saved is not None else _meeting_page(request, meeting, form=form, **page)
