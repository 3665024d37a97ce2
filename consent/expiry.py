"""The end of consent as a kind of deadline (registered in ConsentConfig.ready): a reminder before
the case's consent ends, and each consent marked expired after its last day.

An open case with standing consents has one open deadline of this kind (`consent.services`
keeps it in step whenever the consents change): due on the earliest last day among the standing
consents, so a consent that ends while others keep the case in force is marked expired on time
too. Its steps are the reminder, HLT_CONSENT_REMINDER_DAYS before the last day the case's consent
is in force (left out when that comes only after the earliest consent ends: the next deadline
has it), and the expiry, at midnight Stockholm after the due date. The deadline sweep takes them,
with the deadline row locked; notices are unique per case and end date, so nobody is told twice.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from cases.deadline_kinds import DeadlineKindSpec, Step
from cases.models import Case, Deadline
from cases.services import case_event_record
from consent.models import Consent
from consent.services import _case_link, _case_people, case_consent_refresh
from hlt.workdays import local_datetime
from notifications.models import Kind
from notifications.services import notify

REMINDER = "reminder"
EXPIRY = "expiry"


def consent_expiry_steps(deadline: Deadline) -> list[Step]:
    expiry = Step(EXPIRY, deadline.due_at)
    until = deadline.case.consent_in_force_until
    if until is not None:
        reminder = Step(REMINDER, local_datetime(until - timedelta(days=settings.HLT_CONSENT_REMINDER_DAYS)))
        if reminder.at < expiry.at:
            return [reminder, expiry]
    return [expiry]


def consent_expiry_take(deadline: Deadline, step: Step, *, now: datetime, cache: dict) -> None:
    """Expire the consents past their last day (with timeline events), recompute the case's consent,
    and tell the case's people that it ended, or, at the reminder, that it soon ends."""
    today = timezone.localdate(now)
    case = deadline.case
    ended = []
    if step.name == EXPIRY:
        ended = list(
            Consent.objects.select_for_update()
            .filter(case=case, withdrawn_at__isnull=True, expired_at__isnull=True, valid_until__lt=today)
            .order_by("pk")
        )
    # Locks in the order the consent services take them: consents, then the case. The case row is
    # read afresh: a withdrawal may have ended the consent since the sweep loaded it.
    was_until = Case.objects.select_for_update().values_list("consent_in_force_until", flat=True).get(pk=case.pk)
    Consent.objects.filter(pk__in=[consent.pk for consent in ended]).update(expired_at=timezone.now())
    for consent in ended:
        case_event_record(case=case, actor=None, action="consent.expire", consent_id=consent.pk)
    # Also at the reminder: the refresh locks the case, so a consent change that could not keep
    # this (locked) deadline in step is caught up here.
    case_consent_refresh(case=case, actor=None, today=today)
    until = case.consent_in_force_until
    if was_until is not None and until is None:
        notify(
            recipients=_case_people(case),
            kind=Kind.CONSENT_EXPIRED,
            key=f"consent-expired:{case.pk}:{was_until.isoformat()}",
            link=_case_link(case),
        )
    elif (
        step.name == REMINDER
        and until is not None
        and until <= today + timedelta(days=settings.HLT_CONSENT_REMINDER_DAYS)
    ):
        notify(
            recipients=_case_people(case),
            kind=Kind.CONSENT_EXPIRING,
            key=f"consent-expiring:{case.pk}:{until.isoformat()}",
            link=_case_link(case),
        )


# No promise to the family: never shown as owed, and it ends with the case.
CONSENT_EXPIRY_DEADLINE = DeadlineKindSpec(steps=consent_expiry_steps, take=consent_expiry_take, owed=False)
