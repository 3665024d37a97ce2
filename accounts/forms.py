"""allauth's two-factor forms with the code field ready to type in: focused on load (a keyboard user
need not tab past the header) and asking for digits on a phone."""

from allauth.mfa.base import forms as mfa_forms

CODE_ATTRS = {"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code"}


class AuthenticateForm(mfa_forms.AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(CODE_ATTRS)


class ReauthenticateForm(mfa_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(CODE_ATTRS)
