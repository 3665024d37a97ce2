"""Forms for the agenda, the meeting and its minutes, the feedback and the calendar feed. They parse input;
the services decide."""

from datetime import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cases.models import SHORT_TEXT
from hlt.forms import DateInput, RowsFormSet, form_input
from hlt.workdays import local_datetime
from meetings.feedback import NOTE_MAX
from meetings.models import AgendaItem, FamilyAnswer, FeedbackMethod, Meeting
from meetings.services import ActionInput

RECORDS_REMINDER = _(
    "Keep it short: these are the team's coordination notes. Documentation belongs in each organisation's own "
    "record system."
)


def _local(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "l Y-m-d H:i")


class MeetingChoiceField(forms.ModelChoiceField):
    """A meeting as a person picks it: day, time, place and when its agenda closes."""

    def label_from_instance(self, meeting: Meeting) -> str:
        label = _("%(when)s, %(place)s (agenda closes %(closes)s)") % {
            "when": _local(meeting.starts_at),
            "place": meeting.place,
            "closes": formats.date_format(timezone.localtime(meeting.agenda_closes_at), "Y-m-d"),
        }
        if meeting.agenda_locked_at is not None:
            label = _("%(label)s – the agenda is locked") % {"label": label}
        return label


class AgendaAddForm(forms.Form):
    """Put a case on one of its team's upcoming meetings."""

    meeting = MeetingChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), widget=forms.RadioSelect)
    guests = forms.CharField(
        label=_("Invited guests"),
        max_length=AgendaItem._meta.get_field("guests").max_length,
        required=False,
        help_text=_("Other professions invited for this case, for example the school nurse."),
    )
    family_attends = forms.BooleanField(label=_("The family takes part in the meeting"), required=False)
    late_reason = forms.CharField(
        label=_("Reason for a late addition"),
        max_length=AgendaItem._meta.get_field("late_reason").max_length,
        required=False,
        help_text=_("Only when the agenda has closed or is locked: why the case cannot wait for the next meeting."),
    )

    def __init__(self, *args, meetings, may_add_late: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        if not may_add_late:
            # Only the coordinator adds late; a member choosing a closed agenda gets the service's refusal.
            del self.fields["late_reason"]


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["guests", "family_attends"]


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Members present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    guests_present = forms.CharField(
        label=_("Guests present"),
        max_length=Meeting._meta.get_field("guests_present").max_length,
        required=False,
        help_text=_("Name and profession or organisation."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members


class MinutesForm(forms.Form):
    """What the meeting said about one case and what the family is offered."""

    summary = forms.CharField(
        label=_("Summary"),
        max_length=SHORT_TEXT,
        help_text=RECORDS_REMINDER,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    proposal = forms.CharField(
        label=_("What the team proposes, for the family"),
        max_length=SHORT_TEXT,
        required=False,
        help_text=_("In plain words: this text is printed in the feedback letter."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    offer_joint_meeting = forms.BooleanField(label=_("Offer a joint meeting"), required=False)
    offer_sip = forms.BooleanField(label=_("Offer a SIP (coordinated individual plan)"), required=False)
    offer_other = forms.CharField(
        label=_("Other help offered"), max_length=AgendaItem._meta.get_field("offer_other").max_length, required=False
    )
    contact_person = forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=None,
        required=False,
        help_text=_("Gives the family the feedback within a week. Needed before the meeting can be closed."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_person"].queryset = members


class ActionForm(forms.Form):
    """One agreed action; an untouched empty row is skipped."""

    intervention_type = forms.ModelChoiceField(label=_("Type"), queryset=None)
    description = forms.CharField(label=_("What"), max_length=300, required=False)
    responsible_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None)
    responsible_person = forms.ModelChoiceField(label=_("Responsible person"), queryset=None, required=False)
    for_family = forms.BooleanField(
        label=_("Include in the letter to the family"),
        required=False,
        initial=True,
        help_text=_("Untick what is not for the guardians."),
    )

    def __init__(self, *args, types, units, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention_type"].queryset = types
        self.fields["responsible_unit"].queryset = units
        self.fields["responsible_person"].queryset = members

    def action(self) -> ActionInput:
        return form_input(self, ActionInput)


class BaseActionFormSet(RowsFormSet):
    def actions(self) -> list[ActionInput]:
        return [form.action() for form in self.filled()]


ActionFormSet = forms.formset_factory(ActionForm, formset=BaseActionFormSet, extra=3, can_delete=True, max_num=20)


class MeetingMoveForm(forms.Form):
    """A new day, time and place for one meeting."""

    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label=_("Place"), max_length=Meeting._meta.get_field("place").max_length)

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {"day": starts.date(), "start_time": starts.time(), "end_time": ends.time(), "place": meeting.place}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The meeting must end after it starts."))
        return data

    def starts_at(self) -> datetime:
        return local_datetime(self.cleaned_data["day"], self.cleaned_data["start_time"])

    def ends_at(self) -> datetime:
        return local_datetime(self.cleaned_data["day"], self.cleaned_data["end_time"])


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=Meeting._meta.get_field("cancel_reason").max_length,
        help_text=_("Shown to the team. No names of children or families."),
    )


class AddendumForm(forms.Form):
    item = forms.TypedChoiceField(label=_("About"), coerce=int, required=False, empty_value=None)
    text = forms.CharField(
        label=_("Addendum"), max_length=SHORT_TEXT, help_text=RECORDS_REMINDER, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("The meeting as a whole")), *items]


class ConfirmForm(forms.Form):
    """A POST with nothing but the CSRF token: the button is the confirmation."""


class FeedbackForm(forms.Form):
    given_on = forms.DateField(label=_("Feedback given on"), widget=DateInput())
    method = forms.ChoiceField(label=_("How"), choices=FeedbackMethod.choices, widget=forms.RadioSelect)
    answer = forms.ChoiceField(label=_("The family's answer"), choices=FamilyAnswer.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "A few words for the team, for example what the family wants to think about. Documentation belongs "
            "in your organisation's own records."
        ),
    )


class CalendarFeedForm(forms.Form):
    """The buttons on the calendar page: create, replace or turn off the secret address."""

    CREATE, REPLACE, DELETE = "create", "replace", "delete"
    action = forms.ChoiceField(
        choices=[
            (CREATE, _("Create my calendar address")),
            (REPLACE, _("Replace the address")),
            (DELETE, _("Turn the address off")),
        ]
    )
