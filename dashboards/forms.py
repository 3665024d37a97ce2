import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards.periods import Period

MONTH_FORMAT_ERROR = _("Enter the month as YYYY-MM, for example 2026-03.")


class MonthField(forms.CharField):
    """A month written YYYY-MM, as `<input type="month">` sends it."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "ÅÅÅÅ-MM", "maxlength": 7})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            month = datetime.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 - a calendar month
        except ValueError:
            raise forms.ValidationError(MONTH_FORMAT_ERROR, code="invalid") from None
        if not 2000 <= month.year <= timezone.localdate().year + 1:
            raise forms.ValidationError(_("Choose a month from the year 2000 up to next year."), code="out_of_range")
        return month


class PeriodForm(forms.Form):
    fran = MonthField(label=_("From month"), required=False)
    till = MonthField(label=_("To month"), required=False)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        default = Period.last_twelve_months(timezone.localdate())
        first, last = cleaned.get("fran"), cleaned.get("till")
        if first is None and last is None:
            first, last = default.first, default.last
        elif first is None or last is None:
            raise forms.ValidationError(_("Choose both the first and the last month."), code="incomplete")
        if last < first:
            raise forms.ValidationError(_("The period ends before it starts."), code="reversed")
        period = Period(first, last)
        if not period.on_grid(timezone.localdate()):
            # Free ranges could be subtracted from each other (docs/dashboards.md, "Disclosure control").
            raise forms.ValidationError(
                _(
                    "Choose a month, a quarter (January-March, April-June, July-September or "
                    "October-December), a calendar year or the last 12 full months."
                ),
                code="off_grid",
            )
        cleaned["period"] = period
        return cleaned
