from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.identity import IdentityType, parse_national_id, parse_reserve_number
from cases.models import FAMILY_COMMENT_MAX, SHORT_TEXT, CaseStatus, ClosureReason, Language, ProtectionLevel
from cases.selectors import teams_of, units_of_teams
from hlt.forms import DateInput, text_field
from teams.models import UnitKind

RECORDS_HELP = _("Keep it short. Documentation belongs in each organisation's own records.")


def short_text(label, *, required=False, help_text=RECORDS_HELP, max_length=SHORT_TEXT, rows=3) -> forms.CharField:
    """A few lines of free text, with the reminder that records belong in each organisation's own system."""
    return text_field(label, max_length=max_length, required=required, help_text=help_text, rows=rows)


class IdentitySearchForm(forms.Form):
    """Step one of a new case: who is the child? The number is never put in a URL."""

    NATIONAL, RESERVE = "national", "reserve"
    kind = forms.ChoiceField(
        label=_("Kind of number"),
        choices=[(NATIONAL, _("Personal identity number or co-ordination number")), (RESERVE, _("Reserve number"))],
        initial=NATIONAL,
        widget=forms.RadioSelect,
    )
    number = forms.CharField(
        label=_("Identity number"),
        max_length=30,
        help_text=_("For example 20150314-9831 or 150314-9831."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reserve_issuer = forms.CharField(
        label=_("Issuer of the reserve number"),
        max_length=100,
        required=False,
        help_text=_("Only for a reserve number: the region or care unit that issued it."),
    )

    def clean(self):
        data = super().clean()
        if "number" not in data:
            return data
        try:
            if data.get("kind") == self.RESERVE:
                if not data.get("reserve_issuer", "").strip():
                    self.add_error("reserve_issuer", _("Give the issuer of the reserve number."))
                    return data
                data["identity"] = parse_reserve_number(data["number"])
            else:
                data["identity"] = parse_national_id(data["number"], today=timezone.localdate())
        except ValidationError as error:
            self.add_error("number", error)
        return data


class ChildForm(forms.Form):
    """A child the register has not seen: only what coordination needs."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput(), help_text=_("Only for a reserve number.")
    )
    protection = forms.ChoiceField(
        label=_("Protected identity"), choices=ProtectionLevel.choices, initial=ProtectionLevel.NONE
    )
    school_unit = forms.ModelChoiceField(label=_("Preschool or school"), queryset=None, required=False)
    health_centre = forms.ModelChoiceField(label=_("Listed at health centre"), queryset=None, required=False)
    letter_language = forms.ChoiceField(
        label=_("Language for letters"), choices=Language.choices, initial=Language.SWEDISH
    )
    interpreter_needed = forms.BooleanField(label=_("The family needs an interpreter"), required=False)

    def __init__(self, *args, user, identity_type: str | None, **kwargs):
        """`identity_type` None: editing a registered child, whose birth date follows from the number."""
        super().__init__(*args, prefix="child", **kwargs)
        self.fields["school_unit"].queryset = units_of_teams(user, kinds=[UnitKind.PRESCHOOL, UnitKind.SCHOOL])
        self.fields["health_centre"].queryset = units_of_teams(
            user, kinds=[UnitKind.HEALTH_CENTRE, UnitKind.CHILD_HEALTH]
        )
        self.fields["school_unit"].empty_label = _("None or another")
        self.fields["health_centre"].empty_label = _("None or another")
        if identity_type is None or identity_type != IdentityType.RESERVNUMMER:
            del self.fields["birth_date"]  # the number says it
        else:
            self.fields["birth_date"].required = True


class CaseStartForm(forms.Form):
    """Step two: the case. The reason in terms of Health, Learning and Safety, the family's and
    the child's own words, and why an exception is made when the child is not eligible."""

    team = forms.ModelChoiceField(label=_("HLT team"), queryset=None)
    initiator_unit = forms.ModelChoiceField(label=_("Your unit"), queryset=None)
    reasons = forms.MultipleChoiceField(
        label=_("The reason concerns"),
        choices=[("health", _("Health")), ("learning", _("Learning")), ("safety", _("Safety"))],
        widget=forms.CheckboxSelectMultiple,
    )
    reason_description = short_text(_("The reason in short"), required=True)
    family_view = short_text(
        _("The family's own description"), help_text=_("What the family finds hard and what they wish for.")
    )
    child_view = short_text(_("The child's own view"), help_text=_("As far as the child's age and maturity allow."))
    eligibility_exception = short_text(
        _("Reason for an exception"),
        help_text=_(
            "Only when the child is not both listed at a health centre of the team's area and in municipal "
            "preschool or school."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = teams_of(user)
        self.fields["team"].queryset = teams
        if len(teams) == 1:
            self.fields["team"].initial = teams[0]
        self.fields["initiator_unit"].queryset = units_of_teams(user)
        home_units = {m.home_unit_id for m in user.memberships.all()}
        if len(home_units) == 1:
            self.fields["initiator_unit"].initial = home_units.pop()


class CaseSearchForm(forms.Form):
    """A name, case reference or identity number, posted: the term never goes into a URL."""

    term = forms.CharField(
        label=_("Search by name, case or identity number"),
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_term(self):
        term = " ".join(self.cleaned_data["term"].split())
        if len(term) < 2:
            raise ValidationError(_("Write at least two characters."))
        return term


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=_("All my teams"))
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("status", _("Status")),
            ("name", _("Child's last name")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *CaseStatus.choices]
        self.fields["team"].queryset = teams_of(user)


FAMILY_EXPERIENCE_CHOICES = [
    ("", _("The family did not answer")),
    ("1", _("1 – Very poor")),
    ("2", _("2 – Poor")),
    ("3", _("3 – Neither good nor poor")),
    ("4", _("4 – Good")),
    ("5", _("5 – Very good")),
]


class CaseCloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    note = short_text(_("Note"))
    family_experience = forms.TypedChoiceField(
        label=_("How did the family experience HLT?"),
        choices=FAMILY_EXPERIENCE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Ask the family. They may choose not to answer."),
    )
    family_experience_comment = forms.CharField(
        label=_("The family's comment"),
        max_length=FAMILY_COMMENT_MAX,
        required=False,
        help_text=RECORDS_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NameUserForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Team member"), queryset=None)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members
