"""Writes of the log review: drawing a month's review and recording the reviewer's results."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from audit.models import LogReviewerScope, Review, ReviewItem, ReviewResult
from audit.sampling import default_sizes, draw


@transaction.atomic
def review_create(*, scope: LogReviewerScope, month: datetime.date, by, seed: int | None = None) -> Review:
    """Draw the review of `month` for the scope and store it: the seed, the sizes in force and one
    item per drawn log entry, flagged kinds first. One review per scope and month (the database
    refuses a second, so nobody can draw again for a kinder sample)."""
    review = Review.objects.create(
        region=scope.region,
        municipality=scope.municipality,
        month=month.replace(day=1),
        seed=secrets.randbits(62) if seed is None else seed,
        created_by=by,
        **default_sizes(),
    )
    ReviewItem.objects.bulk_create(
        ReviewItem(review=review, entry_id=entry_id, reason=reason, position=position)
        for position, (entry_id, reason) in enumerate(draw(review), start=1)
    )
    return review


def review_item_record(*, item: ReviewItem, result: ReviewResult, comment: str, by) -> ReviewItem:
    """Record the reviewer's finding on one drawn entry (a later finding replaces it; each one is in
    the access log, written by the view that calls this)."""
    item.result, item.comment = result, comment
    item.decided_by, item.decided_at = by, timezone.now()
    item.save(update_fields=["result", "comment", "decided_by", "decided_at"])
    return item
