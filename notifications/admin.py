"""Django admin's page of e-mails the outbox gave up (notifications/delivery.py).

Notices are case data and have no model admin (hlt/personal_data.py); what an administrator can
act on is who did not get their e-mails, so that a wrong address or a relay that refuses a domain
is found: the page counts them per recipient and links to the user.
"""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.selectors import UNDELIVERED_SHOWN_DAYS, undelivered_email_count, undelivered_emails_by_recipient

LABEL = _("Undelivered e-mails")


def undelivered_emails(request):
    context = {
        **admin.site.each_context(request),
        "title": LABEL,
        "rows": undelivered_emails_by_recipient(now=timezone.now()),
        "days": UNDELIVERED_SHOWN_DAYS,
    }
    return TemplateResponse(request, "admin/undelivered_emails.html", context)


admin.site.register_report(
    route="notifications/undelivered-emails/",
    view=undelivered_emails,
    name="undelivered_emails",
    label=LABEL,
    permission="notifications.view_notification",
    count=lambda: undelivered_email_count(now=timezone.now()),
)
