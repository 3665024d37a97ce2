"""Deadlines that the database keeps: open one, meet it, and the one sweep that takes their steps.

Each kind of deadline lists its steps and says what taking one does (cases.deadline_kinds); the
apps above `cases` register their kinds at start-up. A promise to the family (`promise_kind`:
feedback, a follow-up) has these steps: a reminder to the responsible person some days before the due date and on
it (HLT_FEEDBACK_REMINDER_DAYS, at HLT_REMINDER_HOUR Stockholm time), then, once it is overdue, a
notice to them and an escalation to the team's coordinators and local process leaders. Beat runs
the sweep every few minutes. Each step is claimed under a row lock (skip_locked, so sweeps that
overlap share the work) and notified with a unique key per step, so a step is taken at most once;
its e-mail goes through the notification outbox, so a lost broker or a killed worker delays it and
never loses it.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadline_kinds import DeadlineKindSpec, Step, kind_spec
from cases.models import Case, CaseStatus, Deadline
from hlt.workdays import add_working_days, local_datetime
from notifications.services import notify
from teams.models import DayCount, Municipality, ProcessLeaderScope
from teams.selectors import coordinator_memberships

# The HLT promise: the family hears from the team within a week of the meeting.
FEEDBACK_DAYS = 7
OVERDUE = "overdue"


def feedback_due_date(meeting_day: date, municipality: Municipality) -> date:
    """Seven days after the meeting, in calendar days or, where the municipality chose so, working days."""
    if municipality.feedback_days == DayCount.WORKING:
        return add_working_days(meeting_day, FEEDBACK_DAYS)
    return meeting_day + timedelta(days=FEEDBACK_DAYS)


def deadline_steps(deadline: Deadline) -> list[Step]:
    """The deadline's steps in time order, as its kind lists them."""
    return kind_spec(deadline.kind).steps(deadline)


def promise_steps(deadline: Deadline) -> list[Step]:
    """The reminders before and on the due date, in time order, then the escalation when overdue."""
    at = time(settings.HLT_REMINDER_HOUR)
    reminders = [
        Step(f"reminder-{days}", local_datetime(deadline.due_date - timedelta(days=days), at))
        for days in sorted(settings.HLT_FEEDBACK_REMINDER_DAYS, reverse=True)
    ]
    return [*reminders, Step(OVERDUE, deadline.due_at)]


def deadline_open(*, case: Case, kind: str, responsible, due_date: date) -> Deadline:
    """Open a deadline due at the end of `due_date` (Stockholm). Call inside the caller's transaction."""
    deadline = Deadline(
        case=case,
        kind=kind,
        responsible=responsible,
        due_date=due_date,
        due_at=local_datetime(due_date + timedelta(days=1)),
    )
    deadline.next_step_at = deadline_steps(deadline)[0].at
    deadline.save()
    return deadline


def deadline_complete(*, deadline: Deadline, actor) -> None:
    """Mark the deadline met; no more reminders. Refuses one that is met already (a second submit)."""
    now = timezone.now()
    met = Deadline.objects.filter(pk=deadline.pk, completed_at__isnull=True).update(
        completed_at=now, completed_by=actor, next_step_at=None
    )
    if met != 1:
        raise ValidationError(_("This has already been recorded."))
    deadline.completed_at, deadline.completed_by, deadline.next_step_at = now, actor, None


def deadline_reschedule(*, deadline: Deadline, due_date: date) -> Deadline:
    """Move an open deadline to `due_date` (its meeting moved); returns it, updated.

    The steps follow the new date, but a step already taken is never taken again (its notice key is
    per step, for the deadline's whole life): the sweep next acts at the first step not yet taken
    whose new time is still to come. Reminders whose new time has passed are skipped, as the sweep
    skips them; when even the overdue step has passed, that one is still owed and the next sweep
    takes it. Refuses a met deadline. The row is locked, so a sweep running now finishes its step
    first. Call inside the caller's transaction.
    """
    locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if locked.completed_at is not None:
        raise ValidationError(_("The deadline has already been met; it can no longer be moved."))
    now = timezone.now()
    locked.due_date, locked.due_at = due_date, local_datetime(due_date + timedelta(days=1))
    steps = deadline_steps(locked)
    pending = range(min(locked.next_step, len(steps)), len(steps))
    upcoming = [index for index in pending if steps[index].at > now]
    if upcoming:
        locked.next_step = upcoming[0]
    elif pending:
        locked.next_step = len(steps) - 1  # overdue already and not yet escalated
    locked.next_step_at = steps[locked.next_step].at if locked.next_step < len(steps) else None
    locked.save(update_fields=["due_date", "due_at", "next_step", "next_step_at"])
    for name in ("due_date", "due_at", "next_step", "next_step_at"):
        setattr(deadline, name, getattr(locked, name))
    return deadline


def promise_kind(*, notices: tuple[str, str, str, str], link: Callable[[Deadline], str]) -> DeadlineKindSpec:
    """The kind of a promise to the family with a due date (feedback, a follow-up): reminders to the
    responsible person before and on the day, then once overdue a notice to them and an escalation.

    `notices` are the notification kinds (before the day, on the day, overdue, escalated); `link` is
    where the responsible person acts on the deadline (opaque ids only).
    """
    soon, on_the_day, overdue, escalated = notices

    def take(deadline: Deadline, step: Step, *, now: datetime, cache: dict) -> None:
        key = f"deadline:{deadline.pk}:{step.name}"
        mine = link(deadline)
        if step.name != OVERDUE:
            kind = on_the_day if step.at.date() >= deadline.due_date else soon
            notify(recipients=[deadline.responsible], kind=kind, key=key, link=mine)
            return
        notify(recipients=[deadline.responsible], kind=overdue, key=key, link=mine)
        coordinators, leaders = _escalation_recipients(deadline.case, cache)
        case_link = reverse("cases:detail", args=[deadline.case_id])
        notify(recipients=coordinators, kind=escalated, key=key, link=case_link)
        # Process leaders see figures, never a case: their link leads to their start page.
        notify(recipients=leaders, kind=escalated, key=key, link=reverse("home"))

    return DeadlineKindSpec(steps=promise_steps, take=take)


def _escalation_recipients(case: Case, cache: dict) -> list:
    """The case's team coordinators and the process leaders of its municipality or area (not the
    regional ones: a local leader can act). Cached per team for one sweep batch."""
    team = case.team
    if team.pk not in cache:
        scopes = ProcessLeaderScope.objects.filter(
            Q(municipality_id=team.area.municipality_id) | Q(area_id=team.area_id), user__is_active=True
        )
        coordinators = [membership.user for membership in coordinator_memberships(team.pk).select_related("user")]
        leaders = [scope.user for scope in scopes.select_related("user")]
        cache[team.pk] = (coordinators, leaders)
    return cache[team.pk]


def deadline_sweep(*, now: datetime, batch_size: int = 200) -> int:
    """Take every deadline step whose time has come; returns how many steps were taken.

    When several steps of one deadline have passed (a meeting closed late, or the sweep was down),
    only the latest is taken: a reminder that the feedback is due in two days is no use once it is
    overdue. Rows are locked in primary-key order and skipped when another sweep holds them.
    """
    taken = 0
    recipients_cache: dict = {}
    while True:
        with transaction.atomic():
            batch = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(completed_at__isnull=True, next_step_at__lte=now)
                .select_related("responsible", "case__team__area")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return taken
            for deadline in batch:
                if deadline.case.status == CaseStatus.CLOSED:
                    # A closed case owes no feedback: no more reminders (the deadline stays unmet).
                    deadline.next_step_at = None
                    continue
                spec = kind_spec(deadline.kind)
                steps = spec.steps(deadline)
                due = [i for i in range(deadline.next_step, len(steps)) if steps[i].at <= now]
                if due:
                    spec.take(deadline, steps[due[-1]], now=now, cache=recipients_cache)
                    deadline.next_step = due[-1] + 1
                    taken += 1
                # The steps may have changed with the settings: act again at the next one, if any.
                upcoming = [step.at for step in steps[deadline.next_step :] if step.at > now]
                deadline.next_step_at = upcoming[0] if upcoming else None
            Deadline.objects.bulk_update(batch, ["next_step", "next_step_at"])
