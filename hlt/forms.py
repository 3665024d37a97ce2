"""Helpers shared by the portal's forms."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def text_field(label, *, max_length: int, required=False, help_text="", rows=3) -> forms.CharField:
    """Free text of a few lines, as a text area of `rows` rows."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DateInput(forms.DateInput):
    """The browser's own date picker, which screen readers and keyboards handle well."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ConfirmForm(forms.Form):
    """A POST with nothing but the CSRF token: the button is the confirmation."""
