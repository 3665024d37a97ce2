"""Giving notices: each recipient one notification per event, inserted set-based, e-mailed after commit.

A notice is inserted with `INSERT ... ON CONFLICT DO NOTHING` on the unique (recipient, key), so an
event notified twice (a sweep run twice, two workers) gives one row, and only the rows inserted now
get an e-mail: one send task per statement, queued on commit. Inside `notices_batched()` (the
deadline sweep's batch) `notify` only collects, and the batch's notices are one statement and one
task. A lost task loses no e-mail: the outbox's re-queue (notifications/delivery.py) sends it.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification, first_email_retry_at
from notifications.tasks import send_notification_emails_task


@dataclass(frozen=True)
class Notice:
    recipient: User  # an active user
    kind: str
    key: str
    link: str


_batch: ContextVar[list[Notice] | None] = ContextVar("notices_batch", default=None)


def notify(*, recipients: Iterable, kind: str, key: str, link: str) -> list[Notification]:
    """Give each recipient one notification for the event `key`, and e-mail them after commit.

    A recipient who already has this key gets nothing new, so callers may run twice; a user who can
    no longer log in is never told. Returns the notifications created now (none inside
    `notices_batched()`, which creates them when the batch ends).
    """
    active = {user.pk: user for user in recipients if user is not None and user.is_active}
    notices = [Notice(recipient=user, kind=kind, key=key, link=link) for user in active.values()]
    batch = _batch.get()
    if batch is not None:
        batch.extend(notices)
        return []
    return notices_create(notices)


@contextmanager
def notices_batched() -> Iterator[None]:
    """Collect the notices given inside the block and create them in one statement when it ends
    (inside the caller's transaction: nothing is created if the block raises)."""
    batch: list[Notice] = []
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    notices_create(batch)


_INSERT = """
    INSERT INTO {table} (recipient_id, kind, key, link, created_at, email_attempts, email_next_attempt_at)
    SELECT recipient_id, kind, key, link, %s, 0, %s
    FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) AS notice(recipient_id, kind, key, link)
    ON CONFLICT (recipient_id, key) DO NOTHING
    RETURNING {columns}
"""


def notices_create(notices: Iterable[Notice]) -> list[Notification]:
    """Insert the notices not given before in one statement; queue one e-mail task for those after
    commit. Returns the notifications created now. The ORM's bulk_create cannot say which rows a
    conflict skipped, hence the SQL."""
    unique = list({(notice.recipient.pk, notice.key): notice for notice in notices}.values())
    if not unique:
        return []
    fields = Notification._meta.concrete_fields
    sql = _INSERT.format(
        table=connection.ops.quote_name(Notification._meta.db_table),
        columns=", ".join(connection.ops.quote_name(str(field.column)) for field in fields),
    )
    params = [
        timezone.now(),
        first_email_retry_at(),
        [notice.recipient.pk for notice in unique],
        [notice.kind for notice in unique],
        [notice.key for notice in unique],
        [notice.link for notice in unique],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    recipients = {notice.recipient.pk: notice.recipient for notice in unique}
    created = [Notification.from_db(connection.alias, [field.attname for field in fields], row) for row in rows]
    for notification in created:
        notification.recipient = recipients[notification.recipient_id]
    if created:
        ids = [notification.pk for notification in created]
        transaction.on_commit(partial(send_notification_emails_task.delay, ids))
    return created


def notifications_mark_read(*, user, ids) -> int:
    """Mark the notifications `user` has just been shown read (only their own)."""
    return Notification.objects.filter(recipient=user, pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
