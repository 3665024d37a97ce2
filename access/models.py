from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hlt.fields import user_field


class AppendOnlyError(Exception):
    """The access log is evidence: entries are never changed or removed by the application."""


class LogAction(models.TextChoices):
    VIEW = "view", _("View")
    LIST = "list", _("List")
    SEARCH = "search", _("Search")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    # With a context: a bare "Delete" is also Django's own label (formset rows), translated otherwise.
    DELETE = "delete", pgettext_lazy("access-log action", "Delete")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Print")


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Denied")


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The access log cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The access log cannot be deleted from.")


class AccessLogEntry(models.Model):
    """One read or write of personal data, or one refused attempt.

    User, team and unit are kept without foreign-key constraints so that entries outlive the rows
    they point at (kept at least five years). The child is an internal id, never an identity number.
    """

    occurred_at = models.DateTimeField(_("time (UTC)"), default=timezone.now, editable=False)
    user = user_field(_("user"), on_delete=models.DO_NOTHING, null=True, db_constraint=False)
    team = models.ForeignKey(
        "teams.Team", models.DO_NOTHING, null=True, db_constraint=False, related_name="+", verbose_name=_("team")
    )
    unit = models.ForeignKey(
        "teams.Unit", models.DO_NOTHING, null=True, db_constraint=False, related_name="+", verbose_name=_("unit")
    )
    action = models.CharField(_("action"), max_length=10, choices=LogAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    child_id = models.BigIntegerField(_("child (internal id)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        ordering = ["-occurred_at"]
        indexes = [
            # Log review per user: "what did this user see?" newest first.
            models.Index(fields=["user", "-occurred_at"], name="accesslog_user_time"),
            # Log extract per child (registerutdrag, loggkontroll): only rows about a child.
            models.Index(
                fields=["child_id", "-occurred_at"],
                name="accesslog_child_time",
                condition=models.Q(child_id__isnull=False),
            ),
            # The admin list and the monthly random sample, by period.
            models.Index(fields=["-occurred_at"], name="accesslog_time"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The access log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log cannot be deleted from.")
