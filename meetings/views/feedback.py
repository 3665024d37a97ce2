"""The one-week feedback pages: "Mina återkopplingar", recording the feedback, and the letter.

Each view finds the agenda item by id, then asks the access policy for its case, so the access log
has one entry per page and a tampered id is a logged 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from access.log import form_log_action, log_access, object_type_of
from access.models import LogAction, Outcome
from cases.access_rules import in_wind_up
from cases.models import Case
from cases.pages import case_for_form
from cases.selectors import case_plain
from hlt.pages import form_saved
from meetings.feedback import feedback_open_for, feedback_record
from meetings.forms import FeedbackForm
from meetings.models import AgendaItem
from meetings.pdf import feedback_letter_render


def _item(request, item_id: int) -> AgendaItem:
    """The agenda item, or a logged 404 when there is none: the case's policy check comes next."""
    item = AgendaItem.objects.select_related("meeting__team", "deadline", "contact_person").filter(pk=item_id).first()
    if item is None:
        log_access(
            request,
            action=form_log_action(request),
            outcome=Outcome.DENIED,
            object_type=object_type_of(AgendaItem),
            object_id=item_id,
        )
        raise Http404
    return item


@login_required
def my_feedback(request):
    """Mina återkopplingar: my open feedback deadlines, soonest first; for a coordinator also the
    overdue ones of their teams. One access-log entry for the list and one per child it names."""
    rows = feedback_open_for(request.user, now=timezone.now())
    mine = [row for row in rows if row.is_mine]
    if rows:
        # One entry per child named on the page (one INSERT), so each child's log extract shows it.
        policy.log_list(request, Case, [row.item.case for row in rows])
    return render(
        request,
        "meetings/feedback_list.html",
        {"mine": mine, "sections": [mine, [row for row in rows if not row.is_mine]]},
    )


@login_required
def feedback_record_view(request, item_id: int):
    """Record that the family got the feedback: the contact person or the team's coordinator."""
    item = _item(request, item_id)
    # Anyone else who sees the case is refused (403), and the refusal is in the access log.
    # The contact person may record it after a withdrawal too: the family is still owed an answer,
    # and the case cannot be closed while the deadline is open.
    action = policy.END_DEADLINE if item.contact_person_id == request.user.pk else policy.COORDINATE
    case = case_for_form(request, item.case_id, action=action)
    item.case = case
    today = timezone.localdate()
    form = FeedbackForm(request.POST or None, initial={"given_on": today})

    def save(data):
        try:
            feedback_record(item=item, actor=request.user, today=today, **data)
        except ValidationError:
            # Someone may have recorded it meanwhile (a form sent twice): show what is recorded.
            item.refresh_from_db(fields=["feedback_on", "feedback_method", "feedback_answer"])
            raise

    if saved := form_saved(
        request,
        form,
        save=save,
        success=_("The feedback is recorded. Thank you!"),
        redirect_to=reverse("meetings:my_feedback"),
    ):
        return saved
    deadline = item.deadline
    context = {
        "item": item,
        "case": case,
        "deadline": deadline,
        "days_left": (deadline.due_date - today).days if deadline else None,
        "is_overdue": deadline is not None and deadline.due_at <= timezone.now(),
        "letter_allowed": not in_wind_up(case),
        "form": form,
    }
    return render(request, "meetings/feedback_form.html", context)


@login_required
def feedback_letter(request, item_id: int):
    """The feedback letter as a PDF, logged as a print.

    Served from storage when the stored letter is current; when the task has not rendered it yet,
    or what it says has changed (a new phone number), it is rendered here once and stored, so the
    user never waits for a worker nor gets an outdated letter.
    """
    item = _item(request, item_id)
    case = policy.get_for_user(request, case_plain(), item.case_id, log_action=LogAction.PRINT)
    if item.deadline_id is None:
        raise Http404  # no letter before the minutes are closed
    feedback_letter_render(item_id=item.pk)
    item.refresh_from_db(fields=["letter", "letter_digest"])
    return FileResponse(
        item.letter.open("rb"),
        as_attachment=True,
        filename=f"aterkopplingsbrev-{case.reference}.pdf",
        content_type="application/pdf",
    )
