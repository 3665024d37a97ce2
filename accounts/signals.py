from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
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
