"""The minute heartbeat that tells readiness whether beat and a worker are alive.

Beat sends `hlt.tasks.heartbeat_task` every minute: sending it records beat's time (in the beat
process, hlt/celery.py), running it records the worker's. Both live in the shared cache, so a web
process reads what the other containers wrote; a flushed cache is refilled within the minute."""

import time

from django.core.cache import cache

HEARTBEAT_TASK = "hlt.tasks.heartbeat_task"
_KEY = "hlt.health.heartbeat.{}"
SOURCES = ("worker", "beat")


def heartbeat_record(source: str, *, now: float | None = None) -> None:
    cache.set(_KEY.format(source), time.time() if now is None else now, timeout=None)


def heartbeat_age(source: str) -> float | None:
    """Seconds since `source` last beat, or None when it never has (or the cache lost it)."""
    stamp = cache.get(_KEY.format(source))
    return None if stamp is None else max(0.0, time.time() - stamp)
