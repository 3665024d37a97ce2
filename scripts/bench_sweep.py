"""Rows per second of the deadline sweep against a raw-SQL floor, on a generated dataset (issue 15).

    DATABASE_URL=postgres://.../hlt_perf REDIS_URL=redis://.../15 python scripts/bench_sweep.py --rows 20000

For a scratch database only (`manage.py generate_scale_data`): it makes up to ROWS open feedback
deadlines of open cases due in two days with their first reminder due now, clears every other due
step and the sweep's earlier notices, then times `deadline_sweep` committing batch by batch, its
e-mail tasks queued on the broker after each commit, as in a worker (the tasks are then taken off
the broker again). The floor is one UPDATE of next_step for the same rows. Not part of the test run.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hlt.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    rows = parser.parse_args().rows

    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from cases import deadlines
    from cases.models import CaseStatus, Deadline, DeadlineKind
    from hlt.workdays import local_datetime
    from notifications.models import Notification

    reverse("home")  # a worker loads the URLconf once, not per sweep
    now = timezone.now()
    due_date = timezone.localdate(now) + timedelta(days=2)
    ids = list(
        Deadline.objects.filter(kind=DeadlineKind.FEEDBACK)
        .exclude(case__status=CaseStatus.CLOSED)
        .order_by("pk")
        .values_list("pk", flat=True)[:rows]
    )
    Notification.objects.filter(key__startswith="deadline:").delete()
    Deadline.objects.filter(next_step_at__isnull=False).exclude(pk__in=ids).update(next_step_at=None)
    Deadline.objects.filter(pk__in=ids).update(
        completed_at=None,
        due_date=due_date,
        due_at=local_datetime(due_date + timedelta(days=1)),
        next_step=0,
        next_step_at=now - timedelta(minutes=1),
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_deadline")
        cursor.execute("VACUUM ANALYZE notifications_notification")
    broker = redis.Redis.from_url(settings.REDIS_URL)
    queued_before = broker.llen("celery")

    started = time.perf_counter()
    taken = deadlines.deadline_sweep(now=now)
    swept = time.perf_counter() - started

    queued = broker.llen("celery") - queued_before
    if queued > 0:
        broker.ltrim("celery", queued, -1)  # LPUSHed: the sweep's tasks are at the head
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "UPDATE cases_deadline SET next_step = next_step + 1, next_step_at = NULL WHERE id = ANY(%s)", [ids]
        )
        floor = time.perf_counter() - started
    notices = Notification.objects.filter(key__startswith="deadline:").count()
    print(f"deadlines {len(ids)}, steps taken {taken}, notices {notices}, e-mail tasks queued {queued}")
    print(f"sweep      {swept:7.2f} s = {len(ids) / swept:9,.0f} rows/s")
    print(f"raw floor  {floor:7.2f} s = {len(ids) / floor:9,.0f} rows/s")
    print(f"ratio      {floor / swept:7.1%} of the floor")


if __name__ == "__main__":
    main()
