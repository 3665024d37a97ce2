from django.db import transaction

from accounts.models import User
from accounts.tasks import send_invitation_task


def user_invite(*, user: User) -> None:
    """Send `user` an invitation to choose a password, from the worker once this transaction commits.

    The link is allauth's password-reset link: it expires after PASSWORD_RESET_TIMEOUT and stops
    working once a password is set, so an invitation can be used once.
    """
    transaction.on_commit(lambda: send_invitation_task.delay(user.pk))
