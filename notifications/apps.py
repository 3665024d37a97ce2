from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The in-app inbox and its e-mail outbox: reminders that carry no personal data."""

    name = "notifications"
    verbose_name = _("Notifications")
