from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def normalize_email(email: str) -> str:
    """Addresses are compared case-insensitively, so they are stored in lower case."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email=normalize_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    """A professional who logs in. The e-mail address is the login; there is no self sign-up."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive users cannot log in and their sessions are ended.")
    )
    is_staff = models.BooleanField(_("administrator"), default=False, help_text=_("May log in to the admin."))
    date_joined = models.DateTimeField(_("created"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


# allauth's models carry no verbose names, so admin would call them "Authenticators" and "User
# sessions" in every language. These proxies give them Swedish names in admin, under the accounts
# app beside the users they belong to (accounts/admin.py); the tables stay allauth's.
class TwoFactorMethod(Authenticator):
    """A user's authenticator app (TOTP) or recovery codes, as administrators see them."""

    class Meta:
        proxy = True
        verbose_name = _("two-factor method")
        verbose_name_plural = _("two-factor methods")


class LoginSession(UserSession):
    """A session a user is logged in with, as administrators see it."""

    class Meta:
        proxy = True
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")
