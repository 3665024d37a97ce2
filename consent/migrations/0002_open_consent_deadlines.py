"""Carry the open consent expiries over from the old consent sweep to the deadline sweep.

Every open case with standing consents gets its end-of-consent deadline, due on the earliest last
day among them, with the steps `consent.expiry` gives it. A case whose reminder the old sweep had
sent (`consent_reminder_for` is its end date) starts past the reminder, so it is not sent again.
The steps are written out here, as they were when this ran: a migration does not follow the code.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.db.models import Min

from hlt.workdays import local_datetime

KIND = "consent_expiry"


def open_consent_deadlines(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Consent = apps.get_model("consent", "Consent")
    Deadline = apps.get_model("cases", "Deadline")
    first_ends = dict(
        Consent.objects.filter(withdrawn_at__isnull=True, expired_at__isnull=True)
        .exclude(case__status="closed")
        .values_list("case_id")
        .annotate(first_end=Min("valid_until"))
        .values_list("case_id", "first_end")
    )
    has_one = set(Deadline.objects.filter(kind=KIND, completed_at__isnull=True).values_list("case_id", flat=True))
    cases = Case.objects.filter(pk__in=set(first_ends) - has_one).only(
        "pk", "initiator_id", "consent_in_force_until", "consent_reminder_for"
    )
    deadlines = []
    for case in cases.iterator(chunk_size=1000):
        first_end, until = first_ends[case.pk], case.consent_in_force_until
        due_at = local_datetime(first_end + timedelta(days=1))
        steps = [due_at]
        if until is not None:
            reminder_at = local_datetime(until - timedelta(days=settings.HLT_CONSENT_REMINDER_DAYS))
            if reminder_at < due_at:
                steps = [reminder_at, due_at]
        next_step = 1 if len(steps) == 2 and case.consent_reminder_for == until else 0
        deadlines.append(
            Deadline(
                case_id=case.pk,
                kind=KIND,
                responsible_id=case.initiator_id,
                due_date=first_end,
                due_at=due_at,
                next_step=next_step,
                next_step_at=steps[next_step],
            )
        )
    Deadline.objects.bulk_create(deadlines, batch_size=1000)


def close_consent_deadlines(apps, schema_editor):
    apps.get_model("cases", "Deadline").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_deadline_kind_consent_expiry"),
        ("consent", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(open_consent_deadlines, close_consent_deadlines),
    ]
