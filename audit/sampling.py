"""The monthly draw: flagged entries of each kind, then a random sample of the rest.

Every choice comes from one `random.Random(seed)` over ids in ascending order, and a past month of
the append-only log never changes, so the same seed draws the same entries again
(`review_redraw`); the seed is stored with the review for that check.
"""

import random

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from access.models import LogAction, Outcome
from audit.models import ItemReason, Review
from audit.selectors import entries_in_scope, month_period
from cases.models import Case, Child, ProtectionLevel
from meetings.models import AgendaItem
from support.models import FollowUp, Intervention

# Reads: what the "no meeting or task" flag looks at (a write has a purpose of its own on the timeline).
READS = [LogAction.VIEW, LogAction.LIST, LogAction.SEARCH, LogAction.PRINT, LogAction.EXPORT]
# Django's week_day: 1 is Sunday, 7 Saturday.
WEEKEND = [1, 7]


def review_population(review: Review) -> QuerySet:
    """The month's log entries about the children of the review's scope."""
    return month_period(review.month).filter(entries_in_scope([review]).select_related(None))


def _had_a_task() -> Q:
    """Whether the entry's user had a reason on record to read the entry's child: they started one
    of the child's cases, attended a meeting that discussed it, are the contact person of one of its
    agenda items, or answer for one of its interventions or follow-ups."""
    user, child = OuterRef("user_id"), OuterRef("child_id")
    return (
        Exists(Case.objects.filter(child_id=child, initiator_id=user))
        | Exists(
            AgendaItem.objects.filter(case__child_id=child).filter(Q(meeting__present=user) | Q(contact_person=user))
        )
        | Exists(Intervention.objects.filter(case__child_id=child, responsible_person=user))
        | Exists(FollowUp.objects.filter(case__child_id=child, responsible=user))
    )


def flagged(kind: str, population: QuerySet) -> QuerySet:
    """The entries of the population worth a look for `kind`."""
    if kind == ItemReason.DENIED:
        return population.filter(outcome=Outcome.DENIED)
    if kind == ItemReason.PROTECTED:
        protected = Child.objects.exclude(protection=ProtectionLevel.NONE).values("pk")
        return population.filter(child_id__in=protected)
    if kind == ItemReason.AFTER_HOURS:
        # Lookups on the hour and weekday use the current time zone: Stockholm.
        start, end = settings.HLT_WORKING_HOURS_START, settings.HLT_WORKING_HOURS_END
        outside = Q(occurred_at__hour__lt=start) | Q(occurred_at__hour__gte=end) | Q(occurred_at__week_day__in=WEEKEND)
        return population.filter(outside, outcome=Outcome.ALLOWED)
    if kind == ItemReason.NO_TASK:
        reads = population.filter(outcome=Outcome.ALLOWED, action__in=READS, user__isnull=False)
        return reads.exclude(_had_a_task())
    raise ValueError(kind)


FLAG_KINDS = [ItemReason.PROTECTED, ItemReason.DENIED, ItemReason.AFTER_HOURS, ItemReason.NO_TASK]


def draw(review: Review) -> list[tuple[int, str]]:
    """(entry id, reason) for every entry the review's seed draws: up to `flagged_per_kind` of each
    flagged kind (an entry counts for the first kind it is found under), then `sample_size` at random
    from the rest of the month."""
    # Reproducible on purpose: the seed (itself drawn by `secrets`) must give the same draw again.
    rng = random.Random(review.seed)  # noqa: S311
    population = review_population(review)
    taken: dict[int, str] = {}
    for kind in FLAG_KINDS:
        _pick(rng, flagged(kind, population), review.flagged_per_kind, kind, taken)
    _pick(rng, population, review.sample_size, ItemReason.SAMPLE, taken)
    return list(taken.items())


def _pick(rng: random.Random, entries: QuerySet, size: int, reason: str, taken: dict) -> None:
    ids = sorted(set(entries.values_list("id", flat=True)) - taken.keys())
    for entry_id in rng.sample(ids, min(size, len(ids))):
        taken[entry_id] = reason


def review_redraw(review: Review) -> list[tuple[int, str]]:
    """The draw the stored seed gives today: equal to the stored items while the month's log stands."""
    return draw(review)


def default_sizes() -> dict:
    return {
        "sample_size": settings.HLT_LOG_REVIEW_SAMPLE_SIZE,
        "flagged_per_kind": settings.HLT_LOG_REVIEW_FLAGGED_PER_KIND,
    }
