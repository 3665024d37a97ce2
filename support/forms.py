"""Forms for interventions and follow-ups. They parse input; the services decide."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import RECORDS_HELP, short_text
from hlt.forms import DateInput
from meetings.forms import MeetingChoiceField
from meetings.models import AgendaItem, Meeting
from support.models import DESCRIPTION_MAX, NOTE_MAX, EvaluationOutcome, FollowUpKind, Intervention
from teams.models import PrincipalType


def _note(label, **kwargs) -> forms.CharField:
    return short_text(label, max_length=NOTE_MAX, rows=2, **kwargs)


class InterventionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, intervention: Intervention) -> str:
        label = _("%(type)s from %(start)s") % {
            "type": intervention.intervention_type.name,
            "start": intervention.start_date.isoformat(),
        }
        if intervention.description:
            label = f"{label}: {intervention.description}"
        return label


class InterventionForm(forms.Form):
    """What is done, by which principal, unit and person, from when, and when it is followed up."""

    intervention_type = forms.ModelChoiceField(label=_("Type"), queryset=None)
    description = forms.CharField(
        label=_("What, in short"), max_length=DESCRIPTION_MAX, required=False, help_text=RECORDS_HELP
    )
    responsible_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None)
    principal = forms.ChoiceField(
        label=_("Responsible principal"),
        required=False,
        choices=[("", _("The unit's principal")), *PrincipalType.choices],
        help_text=_("Which principal (huvudman) answers for the intervention."),
    )
    responsible_person = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=None, required=False, help_text=_("A member of the team.")
    )
    start_date = forms.DateField(label=_("Starts"), widget=DateInput())
    follow_up_date = forms.DateField(
        label=_("Planned follow-up"), widget=DateInput(), help_text=_("When the intervention is followed up.")
    )

    def __init__(self, *args, types, units, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention_type"].queryset = types
        self.fields["responsible_unit"].queryset = units
        self.fields["responsible_person"].queryset = members


class FromMeetingForm(forms.Form):
    """Interventions from the agreed actions of one discussed agenda item."""

    item = forms.TypedChoiceField(label=_("Agreed at"), coerce=int, widget=forms.RadioSelect)
    start_date = forms.DateField(label=_("The interventions start"), widget=DateInput())
    follow_up_date = forms.DateField(
        label=_("Planned follow-up"),
        widget=DateInput(),
        required=False,
        help_text=_("Can also be set for each intervention afterwards."),
    )

    def __init__(self, *args, items: list[AgendaItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(item.pk, self.item_label(item)) for item in items]
        if len(items) == 1:
            self.fields["item"].initial = items[0].pk

    @staticmethod
    def item_label(item: AgendaItem) -> str:
        return _("The meeting on %(date)s: %(actions)s") % {
            "date": formats.date_format(timezone.localtime(item.meeting.starts_at), "Y-m-d"),
            "actions": ", ".join(
                f"{action.intervention_type.name} ({action.responsible_unit.name})" for action in item.waiting
            ),
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices


class EvaluationForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Was the goal reached?"), choices=EvaluationOutcome.choices, widget=forms.RadioSelect
    )
    family_view = _note(_("The family's view"))
    evaluation_comment = _note(_("Comment"))
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DateInput())


class FollowUpPlanForm(forms.Form):
    """Where and when a follow-up takes place, and who answers for it."""

    kind = forms.ChoiceField(label=_("Where"), choices=FollowUpKind.choices, widget=forms.RadioSelect)
    meeting = MeetingChoiceField(
        label=_("HLT meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Choose one of the team's upcoming meetings"),
        help_text=_("At an HLT meeting: the case goes onto its agenda as a follow-up."),
    )
    planned_on = forms.DateField(
        label=_("Date"), widget=DateInput(), required=False, help_text=_("At a separate meeting with the family.")
    )
    intervention = InterventionChoiceField(
        label=_("Follow-up of"),
        queryset=Intervention.objects.none(),
        required=False,
        empty_label=_("The plan as a whole"),
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible"), queryset=None, help_text=_("Is reminded before the date. A member of the team.")
    )
    late_reason = forms.CharField(
        label=_("Reason for a late addition"),
        max_length=AgendaItem._meta.get_field("late_reason").max_length,
        required=False,
        help_text=_("Only when the meeting's agenda has closed or is locked."),
    )

    def __init__(self, *args, meetings, interventions, members, may_add_late: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["intervention"].queryset = interventions
        self.fields["responsible"].queryset = members
        if not may_add_late:
            del self.fields["late_reason"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == FollowUpKind.HLT_MEETING and not data.get("meeting") and "meeting" not in self.errors:
            self.add_error("meeting", _("Choose the HLT meeting for the follow-up."))
        if kind == FollowUpKind.FAMILY_MEETING and not data.get("planned_on") and "planned_on" not in self.errors:
            self.add_error("planned_on", _("Give the date of the follow-up."))
        return data


class FollowUpRecordForm(forms.Form):
    """What came of a follow-up and, for an intervention's, optionally its evaluation."""

    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    summary = _note(_("Summary"), required=True)
    family_view = _note(_("The family's view"))
    finish_intervention = forms.BooleanField(label=_("The intervention is finished"), required=False)
    outcome = forms.ChoiceField(
        label=_("Evaluation: was the goal reached?"),
        required=False,
        choices=[("", _("Do not evaluate now")), *EvaluationOutcome.choices],
        widget=forms.RadioSelect,
        help_text=_("Only a finished intervention is evaluated."),
    )
    evaluation_comment = _note(_("Comment on the evaluation"))

    def __init__(self, *args, has_intervention: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_intervention:
            for name in ("finish_intervention", "outcome", "evaluation_comment"):
                del self.fields[name]
