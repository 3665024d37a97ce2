from celery import shared_task
from django.core.management import call_command

from accounts.invitations import invitation_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_invitation_task(user_id: int) -> None:
    """Send one invitation; retried with back-off while the mail server is unreachable."""
    invitation_send(user_id=user_id)


@shared_task
def clear_expired_sessions_task() -> None:
    """Remove expired sessions so the session table stays small."""
    call_command("clearsessions")
