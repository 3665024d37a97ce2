from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.core.exceptions import PermissionDenied


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Administrators create accounts; nobody signs up."""
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        """An identity-provider login only reaches an account an administrator already created."""
        return False

    def pre_social_login(self, request, sociallogin):
        """The identity is connected to an account by its e-mail address at login, never by hand: the
        page for connecting one is not offered (accounts/urls.py), nor its flow."""
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            raise PermissionDenied


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        """MFA is mandatory: the TOTP authenticator can be replaced, never removed."""
        return authenticator.type != Authenticator.Type.TOTP
