"""Invitations: the e-mail that lets a new user choose a password. Below the services and the task
that send it (accounts.services queues accounts.tasks, which calls this), so neither imports the other."""

from allauth.account import app_settings as account_settings
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User


def invitation_send(*, user_id: int) -> bool:
    """Build and send the invitation e-mail. False when the user is gone, inactive or already active."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    token = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": token})
    context = {
        "invitation_url": settings.HLT_BASE_URL.rstrip("/") + path,
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    # Invitations go out in the portal's first language; the user can switch after logging in.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("emails/invitation-subject.txt", context).strip()
        body = render_to_string("emails/invitation-body.txt", context)
    send_mail(subject, body, None, [user.email])
    return True
