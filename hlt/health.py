"""Health endpoints for load balancers and compose (README "Operations").

/health/live/ says the process answers. /health/ready/ checks the database, Redis, that every
migration is applied, and that a worker and beat have beaten lately. Anyone gets only
{"status": "ok"|"fail"} (200 or 503); each check's result only a staff member or a caller with the
configured token header (X-Health-Token) sees. No check reads or returns personal data."""

import logging

import redis
from django.conf import settings
from django.db import connection as default_connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

from hlt.heartbeat import SOURCES, heartbeat_age

logger = logging.getLogger(__name__)
_TIMEOUT_SECONDS = 2


def database_ok(connection=default_connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def redis_urls() -> set[str]:
    """The Redis servers the portal uses: the cache (with the sessions) and the Celery broker."""
    cache = settings.CACHES["default"]
    urls = {cache["LOCATION"]} if cache["BACKEND"].endswith("RedisCache") else set()
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        urls.add(settings.CELERY_BROKER_URL)
    return urls


def redis_ok(urls=None) -> bool:
    for url in redis_urls() if urls is None else urls:
        client = redis.Redis.from_url(url, socket_connect_timeout=_TIMEOUT_SECONDS, socket_timeout=_TIMEOUT_SECONDS)
        try:
            client.ping()
        finally:
            client.close()
    return True


def migrations_ok(connection=default_connection) -> bool:
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def heartbeat_ok(source: str) -> bool:
    age = heartbeat_age(source)
    return age is not None and age <= settings.HLT_HEARTBEAT_MAX_AGE_SECONDS


CHECKS = {
    "database": database_ok,
    "redis": redis_ok,
    "migrations": migrations_ok,
    **{source: (lambda source=source: heartbeat_ok(source)) for source in SOURCES},
}


def run_checks(names=None) -> dict[str, bool]:
    """Each check's result; a check that raises (a closed port, a timeout) has failed."""
    results = {}
    for name in names or CHECKS:
        try:
            results[name] = bool(CHECKS[name]())
        except Exception as exc:
            # The exception's class only: a driver's message may echo connection details.
            logger.warning("health check %s failed: %s", name, type(exc).__name__)
            results[name] = False
    return results


def _may_see_details(request) -> bool:
    token = settings.HLT_HEALTH_TOKEN
    if token and constant_time_compare(request.headers.get("X-Health-Token", ""), token):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    results = run_checks()
    healthy = all(results.values())
    body = {"status": "ok" if healthy else "fail"}
    if _may_see_details(request):
        body["checks"] = {name: "ok" if passed else "fail" for name, passed in results.items()}
    return JsonResponse(body, status=200 if healthy else 503)
