from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import short_text
from cases.identity import parse_national_id
from cases.models import Adult
from consent.models import CATEGORIES, Method, Purpose, WithdrawalMethod
from consent.services import ADULT_FIELDS, default_valid_until
from hlt.forms import DateInput

CHILD = "child"


class AdultForm(forms.ModelForm):
    class Meta:
        model = Adult
        fields = ADULT_FIELDS
        help_texts = {"identity_number": _("Optional: personal identity number or co-ordination number.")}

    def __init__(self, *args, hidden_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in hidden_fields:
            del self.fields[name]

    def clean_identity_number(self):
        raw = self.cleaned_data.get("identity_number", "").strip()
        if not raw:
            return ""
        return parse_national_id(raw, today=timezone.localdate()).number


class ConsentForm(forms.Form):
    """One person's consent: for what, who, to which parties, which categories, for how long, and how."""

    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=Purpose.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("A SIP needs its own consent: the HLT consent does not cover a coordinated individual plan."),
    )
    giver = forms.ChoiceField(label=_("Given by"), widget=forms.RadioSelect)
    maturity_assessment = short_text(
        _("Assessment of the child's maturity"),
        help_text=_("Only when the child consents: why the child is mature enough for this question."),
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties that may exchange information"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("Information categories"), choices=CATEGORIES, widget=forms.CheckboxSelectMultiple
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())
    method = forms.ChoiceField(label=_("Given as"), choices=Method.choices, widget=forms.RadioSelect)
    oral_statement = short_text(
        _("What was said"), help_text=_("Required for oral consent: what the person was told and agreed to.")
    )
    document = forms.FileField(
        label=_("Signed form"),
        required=False,
        help_text=_("A scan or photo of the signed form: PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, case, guardians, purpose=Purpose.HLT, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["purpose"].initial = purpose
        self.guardians = {str(adult.pk): adult for adult in guardians}
        self.fields["giver"].choices = [
            *((key, f"{adult.full_name} ({adult.get_relation_display()})") for key, adult in self.guardians.items()),
            (CHILD, _("The child (mature enough to consent)")),
        ]
        # The queryset validates a post; the page renders the one list it read, ticked by default.
        self.fields["parties"].queryset = case.team.area.all_units()
        units = list(self.fields["parties"].queryset)
        self.fields["parties"].choices = [(unit.pk, f"{unit.name} ({unit.get_sector_display()})") for unit in units]
        self.fields["parties"].initial = [unit.pk for unit in units]
        self.fields["categories"].initial = [name for name, _label in CATEGORIES]
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = default_valid_until(today)

    def clean_purpose(self):
        # Left out, the consent is for HLT: the purpose most consents are given for.
        return self.cleaned_data["purpose"] or Purpose.HLT

    def clean_giver(self):
        giver = self.cleaned_data["giver"]
        return None if giver == CHILD else self.guardians[giver]


class WithdrawForm(forms.Form):
    method = forms.ChoiceField(label=_("Withdrawn how"), choices=WithdrawalMethod.choices, widget=forms.RadioSelect)
    note = short_text(_("Note on the withdrawal"))


class ExceptionForm(forms.Form):
    adult = forms.ModelChoiceField(label=_("Guardian whose consent is not needed"), queryset=None)
    reason = short_text(_("Reason"), required=True)

    def __init__(self, *args, guardians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adult"].queryset = guardians
