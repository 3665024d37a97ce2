"""Forms for the SIP pages. They parse input; the services decide what the plan may say."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import SHORT_TEXT
from hlt.forms import DateInput, RowsFormSet, form_input, text_field
from sip.models import PLAN_TEXT, ParticipantRole, Principal
from sip.services import ParticipantInput, PrincipalInput

PLAN_REMINDER = _(
    "Write what the plan needs, in words the family understands. Documentation belongs in each organisation's own "
    "record system."
)


def _text(label, *, help_text="", rows=3, max_length=PLAN_TEXT):
    return text_field(label, max_length=max_length, help_text=help_text, rows=rows)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.full_name or user.email


class SipForm(forms.Form):
    """The plan's own content: the family's goals, three of the four statutory parts, the meeting."""

    family_goals = _text(_("The family's own goals"), help_text=_("In the family's words: what they want to achieve."))
    efforts_needed = _text(_("1. The efforts needed"), help_text=_("Which efforts the child and family need."), rows=4)
    other_measures = _text(
        _("3. Measures taken by others"),
        help_text=_(
            "What others than the municipality and the region do, for example the school or Försäkringskassan."
        ),
    )
    no_other_measures = forms.BooleanField(
        label=_("No measures are taken by others"),
        required=False,
        help_text=_("Tick when nobody besides the municipality and the region takes measures."),
    )
    meeting_date = forms.DateField(label=_("Date of the SIP meeting"), required=False, widget=DateInput())
    meeting_time = forms.TimeField(
        label=_("Time of the SIP meeting"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    meeting_place = forms.CharField(label=_("Place of the SIP meeting"), max_length=200, required=False)
    follow_up_date = forms.DateField(
        label=_("Follow-up date"),
        required=False,
        widget=DateInput(),
        help_text=_("When the plan is followed up with the family (local routine)."),
    )
    convener = UserChoiceField(label=_("Convened by"), queryset=None, required=False)
    note = forms.CharField(
        label=_("What changed"),
        max_length=SHORT_TEXT,
        required=False,
        help_text=_("For example what was decided at the follow-up. Kept with the new version."),
    )

    def __init__(self, *args, members, established: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convener"].queryset = members
        if not established:
            # A draft has no versions yet: there is nothing to note.
            del self.fields["note"]

    def clean(self):
        data = super().clean()
        meeting, follow_up = data.get("meeting_date"), data.get("follow_up_date")
        if meeting and follow_up and follow_up < meeting:
            self.add_error("follow_up_date", _("The follow-up cannot be before the SIP meeting."))
        if data.get("other_measures", "").strip() and data.get("no_other_measures"):
            self.add_error(
                "no_other_measures", _("Measures taken by others are described and also marked as none. Choose one.")
            )
        return data


class PrincipalForm(forms.Form):
    """One principal: which, its unit or organisation, the efforts it answers for, its coordinator."""

    principal_type = forms.ChoiceField(label=_("Principal"), choices=[("", "–"), *Principal.choices])
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)
    organisation = forms.CharField(
        label=_("Or another organisation"),
        max_length=150,
        required=False,
        help_text=_("When the unit is not in the list, for example the child and adolescent psychiatry."),
    )
    responsibilities = _text(_("2. Efforts this principal answers for"))
    is_overall_responsible = forms.BooleanField(
        label=_("4. Has the overall responsibility for the plan"),
        required=False,
        help_text=_("Exactly one principal."),
    )
    coordinator = UserChoiceField(label=pgettext_lazy("SIP", "Coordinator"), queryset=None, required=False)
    coordinator_name = forms.CharField(
        label=_("Or the coordinator's name"),
        max_length=150,
        required=False,
        help_text=_("When the coordinator is not a member of the team."),
    )

    def __init__(self, *args, units, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["coordinator"].queryset = members

    def principal(self) -> PrincipalInput:
        return form_input(self, PrincipalInput)


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "–"), *ParticipantRole.choices])
    organisation = forms.CharField(label=_("Organisation"), max_length=150, required=False)
    # Keeps the link to a portal user through an edit; only the team's members can be chosen.
    user = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members

    def participant(self) -> ParticipantInput:
        return form_input(self, ParticipantInput)


class PrincipalFormSetBase(RowsFormSet):
    def principals(self) -> list[PrincipalInput]:
        return [form.principal() for form in self.filled()]


class ParticipantFormSetBase(RowsFormSet):
    def participants(self) -> list[ParticipantInput]:
        return [form.participant() for form in self.filled()]


PrincipalFormSet = forms.formset_factory(
    PrincipalForm, formset=PrincipalFormSetBase, extra=2, can_delete=True, max_num=10, validate_max=True
)
ParticipantFormSet = forms.formset_factory(
    ParticipantForm, formset=ParticipantFormSetBase, extra=3, can_delete=True, max_num=30, validate_max=True
)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=SHORT_TEXT, required=False)


class EndForm(forms.Form):
    note = forms.CharField(
        label=_("Why the plan ends"),
        max_length=SHORT_TEXT,
        help_text=_("For example: the needs are met, or the family withdrew its consent."),
    )
