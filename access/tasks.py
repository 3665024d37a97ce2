from celery import shared_task

from access.partitions import log_partitions_create, log_partitions_drop_expired


@shared_task
def log_partitions_create_task() -> int:
    """Make next months' access-log partitions (idempotent: a lost run is made up by the next)."""
    return log_partitions_create()


@shared_task
def log_partitions_drop_task() -> list[str]:
    """Drop the access log's months past its retention period, whole partitions at a time."""
    return log_partitions_drop_expired()
