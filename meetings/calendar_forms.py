from django import forms
from django.utils.translation import gettext_lazy as _


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
