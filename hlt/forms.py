"""Helpers shared by the portal's forms."""

import dataclasses

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def form_input(form: forms.Form, input_class: type):
    """The input dataclass a service takes, from a valid form whose fields are named as the dataclass's."""
    return input_class(**{field.name: form.cleaned_data[field.name] for field in dataclasses.fields(input_class)})


class RowsFormSet(forms.BaseFormSet):
    """A form set of rows, some left empty or marked for deletion."""

    def filled(self) -> list[forms.Form]:
        """The filled-in rows not marked for deletion, in order (an untouched extra row has no data)."""
        return [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE", False)]


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
