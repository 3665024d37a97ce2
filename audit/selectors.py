"""What a log reviewer may read: the access log about the children of their scope, never a case.

A reviewer's scope is a region or a municipality; the children in it are those with a case (open or
closed) in a team of that region or municipality, whoever read them: the organisation answers for
the data its teams hold, so a read from another municipality, or a refused attempt naming the child,
is in the log it reviews. Entries naming no child (a team page, the statistics) are no child's data.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from access.models import AccessLogEntry
from accounts.models import User
from audit.models import LogReviewerScope, Review, ReviewItem
from cases.identity import parse_national_id, parse_reserve_number
from cases.models import Case, Child


@dataclass(frozen=True)
class Period:
    """From the start of `first` to the end of `last` (Stockholm days); either may be open."""

    first: datetime.date | None = None
    last: datetime.date | None = None

    def filter(self, entries: QuerySet) -> QuerySet:
        if self.first:
            entries = entries.filter(occurred_at__gte=_day_start(self.first))
        if self.last:
            entries = entries.filter(occurred_at__lt=_day_start(self.last + datetime.timedelta(days=1)))
        return entries


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def month_period(month: datetime.date) -> Period:
    """The calendar month (Stockholm time) that `month` lies in."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return Period(first, following - datetime.timedelta(days=1))


def reviewer_scopes(user) -> list[LogReviewerScope]:
    """The scopes the user reviews; empty for everyone who is not a log reviewer."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(LogReviewerScope.objects.filter(user=user).select_related("region", "municipality"))


def _team_q(scopes, prefix: str) -> Q:
    """The teams of the scopes, as a condition on `prefix` (a path to a team)."""
    regions = [s.region_id for s in scopes if s.region_id]
    municipalities = [s.municipality_id for s in scopes if s.municipality_id]
    return Q(**{f"{prefix}area__municipality__region__in": regions}) | Q(
        **{f"{prefix}area__municipality__in": municipalities}
    )


def children_in_scope(scopes) -> QuerySet:
    """The ids of the children with a case in a team of the scopes (a subquery, never fetched)."""
    return Case.objects.filter(_team_q(scopes, "team__")).values("child_id")


def entries_in_scope(scopes) -> QuerySet[AccessLogEntry]:
    """The log entries about the children of the scopes, with who read and from where."""
    return AccessLogEntry.objects.filter(child_id__in=children_in_scope(scopes)).select_related("user", "team", "unit")


def child_by_number(scopes, raw: str) -> Child | None:
    """The child of the scopes with this identity number (any written form), or None: a number
    outside the scope answers as one the register does not know."""
    try:
        number = parse_national_id(raw, today=timezone.localdate()).number
    except ValidationError:
        try:
            number = parse_reserve_number(raw).number
        except ValidationError:
            return None
    return Child.objects.filter(identity_number=number, pk__in=children_in_scope(scopes)).first()


def child_in_scope(scopes, child_id) -> Child | None:
    return Child.objects.filter(pk=child_id, pk__in=children_in_scope(scopes)).first() if child_id else None


def child_log(scopes, child: Child, period: Period) -> QuerySet[AccessLogEntry]:
    """Every access to the child's data in the period, newest first (index accesslog_child_time)."""
    return period.filter(entries_in_scope(scopes).filter(child_id=child.pk)).order_by("-occurred_at", "-id")


def user_log(scopes, user: User, period: Period) -> QuerySet[AccessLogEntry]:
    """Everything the user read about the children of the scopes, newest first (accesslog_user_time)."""
    return period.filter(entries_in_scope(scopes).filter(user=user)).order_by("-occurred_at", "-id")


def users_in_scope(scopes) -> QuerySet[User]:
    """The members of the scopes' teams: whose reads a reviewer may look up by person."""
    return User.objects.filter(_team_q(scopes, "memberships__team__")).distinct().order_by("full_name")


def reviews_of(scopes) -> QuerySet[Review]:
    """The reviews of the scopes (a regional reviewer also sees those of the region's municipalities)."""
    regions = [s.region_id for s in scopes if s.region_id]
    municipalities = [s.municipality_id for s in scopes if s.municipality_id]
    return Review.objects.filter(
        Q(region__in=regions) | Q(municipality__in=municipalities) | Q(municipality__region__in=regions)
    ).select_related("region", "municipality")


def review_items(review: Review) -> QuerySet[ReviewItem]:
    """The review's items in order, each with its log entry and who read and from where."""
    return review.items.select_related("entry__user", "entry__team", "entry__unit", "decided_by")
