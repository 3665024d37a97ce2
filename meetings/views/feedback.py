"""The one-week feedback pages: "Mina återkopplingar", recording the feedback, and the letter.

Each view finds the agenda item by id, then asks the access policy for its case, so the access log
has one entry per page and a tampered id is a logged 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import policy
from access.log import log_access, object_type_of
from access.models import LogAction, Outcome
from cases.access_rules import in_wind_up
from cases.models import Case
from cases.selectors import case_plain
from hlt.forms import DateInput, add_service_errors
from meetings.feedback import NOTE_MAX, feedback_open_for, feedback_record
from meetings.letters import feedback_letter_render
from meetings.models import AgendaItem, FamilyAnswer, FeedbackMethod


class FeedbackForm(forms.Form):
    given_on = forms.DateField(label=gettext_lazy("Feedback given on"), widget=DateInput())
    method = forms.ChoiceField(label=gettext_lazy("How"), choices=FeedbackMethod.choices, widget=forms.RadioSelect)
    answer = forms.ChoiceField(
        label=gettext_lazy("The family's answer"), choices=FamilyAnswer.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "A few words for the team, for example what the family wants to think about. Documentation belongs "
            "in your organisation's own records."
        ),
    )


def _item(request, item_id: int) -> AgendaItem:
    """The agenda item, or a logged 404 when there is none: the case's policy check comes next."""
    item = AgendaItem.objects.select_related("meeting__team", "deadline", "contact_person").filter(pk=item_id).first()
    if item is None:
        log_access(
            request,
            action=LogAction.UPDATE if request.method == "POST" else LogAction.VIEW,
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
    log_action = LogAction.UPDATE if request.method == "POST" else LogAction.VIEW
    case = policy.get_for_user(request, case_plain(), item.case_id, action=action, log_action=log_action)
    item.case = case
    today = timezone.localdate()
    form = FeedbackForm(request.POST or None, initial={"given_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            feedback_record(item=item, actor=request.user, today=today, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            # Someone may have recorded it meanwhile (a form sent twice): show what is recorded.
            item.refresh_from_db(fields=["feedback_on", "feedback_method", "feedback_answer"])
        else:
            messages.success(request, _("The feedback is recorded. Thank you!"))
            return redirect("meetings:my_feedback")
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
