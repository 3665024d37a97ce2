import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Review, ReviewResult
from audit.selectors import Period

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class PeriodForm(forms.Form):
    """The period a log page shows, in the URL (dates are no one's personal data)."""

    fran = forms.DateField(label=_("From date"), required=False, widget=DATE_WIDGET)
    till = forms.DateField(label=_("To date"), required=False, widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("fran") and cleaned.get("till") and cleaned["fran"] > cleaned["till"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return cleaned

    @property
    def period(self) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        return Period(data.get("fran"), data.get("till"))


class ChildSearchForm(forms.Form):
    """The child's identity number, posted: it never goes into a URL."""

    number = forms.CharField(
        label=_("The child's identity number"),
        max_length=20,
        help_text=_("Personnummer, samordningsnummer or reservnummer."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class UserPickForm(PeriodForm):
    anvandare = forms.ModelChoiceField(label=_("User"), queryset=None)

    field_order = ["anvandare", "fran", "till"]

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anvandare"].queryset = users


def ended_months(today: datetime.date, count: int = 12) -> list[datetime.date]:
    """The `count` months before this one, newest first: only an ended month's log is complete."""
    months, month = [], today.replace(day=1)
    for _step in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months


class ReviewNewForm(forms.Form):
    scope = forms.ModelChoiceField(label=_("Whose log"), queryset=None, empty_label=None)
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = scopes
        self.fields["scope"].label_from_instance = lambda scope: str(scope.target)
        self.fields["month"].choices = [(m.isoformat(), f"{m:%Y-%m}") for m in ended_months(timezone.localdate())]

    def clean(self):
        cleaned = super().clean()
        scope, month = cleaned.get("scope"), cleaned.get("month")
        if scope and month:
            cleaned["month"] = datetime.date.fromisoformat(month)
            level = {"region": scope.region} if scope.region_id else {"municipality": scope.municipality}
            if Review.objects.filter(month=cleaned["month"], **level).exists():
                raise forms.ValidationError(_("That month's review is already drawn."))
        return cleaned


class ItemResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=ReviewResult.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result") in (ReviewResult.INVESTIGATE, ReviewResult.ACTION_TAKEN) and not cleaned.get(
            "comment"
        ):
            self.add_error("comment", _("Say what is to be investigated or what was done."))
        return cleaned
