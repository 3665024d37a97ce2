from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.models import User
from accounts.sessions import session_start


@receiver(user_logged_in)
def _start_session_clocks(sender, request, user, **kwargs):
    session_start(request.session)


@receiver(post_save, sender=User)
def _end_sessions_of_inactive_user(sender, instance, **kwargs):
    # A deactivated account must lose access at once, not when its sessions time out.
    if not instance.is_active:
        for session in UserSession.objects.filter(user=instance):
            session.end()


@receiver(pre_save, sender=User)
def _disconnect_identity_on_new_address(sender, instance, **kwargs):
    # The identity provider's login is connected to an account by its e-mail address
    # (SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT). When an administrator corrects the address,
    # an identity connected through the old one must not keep the account: the next login through
    # the provider connects again, by the new address.
    if instance.pk and User.objects.filter(pk=instance.pk).exclude(email=instance.email).exists():
        SocialAccount.objects.filter(user=instance).delete()
