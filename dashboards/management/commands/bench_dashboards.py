"""Time the dashboards on the generated national dataset (`make bench`; see generate_scale_data).

Requests go through the whole middleware stack in this process with Django's test client, logged
in as the generated process leaders, so the time is the server's and nothing else's. A dashboard
is cached until the next summary refresh, so each page is timed twice: computed (no cache at all,
what the first visitor after a refresh waits; the targets apply to this) and cached. Prints a
Markdown table and fails when a target of issue 6 is missed.
"""

import datetime
import resource
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dashboards.management.commands.generate_scale_data import BENCH_MUNICIPALITY_EMAIL, BENCH_REGION_EMAIL
from teams.models import ProcessLeaderScope

TARGET_MS = {"region": 100, "kommun": 30}
TARGET_MEMORY_MB = 500
REFRESH_RUNS = 3
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


class Command(BaseCommand):
    help = "Time the regional and municipal dashboards on the generated dataset (make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--warmup", type=int, default=3)

    def handle(self, *args, runs, warmup, **options):
        if settings.DEBUG:
            raise CommandError("Benchmark with DEBUG off: DEBUG keeps every query in memory and slows each request.")
        if runs < 1 or warmup < 0:
            raise CommandError("Give --runs 1 or more and --warmup 0 or more.")
        period = _last_full_months(timezone.localdate(), 12)
        rows = [
            self._page("region", BENCH_REGION_EMAIL, "region_id", period, runs, warmup),
            self._page("kommun", BENCH_MUNICIPALITY_EMAIL, "municipality_id", period, runs, warmup),
        ]
        refresh = self._refresh()
        memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux

        self.stdout.write(f"\nDashboards, {period}, {runs} runs after {warmup} warm-up, server time in ms\n")
        self.stdout.write("| page | computed: median | min | max | queries | cached: median | queries | target |")
        self.stdout.write("|---|---|---|---|---|---|---|---|")
        missed = []
        for level, computed, computed_queries, cached, cached_queries in rows:
            median, target = statistics.median(computed), TARGET_MS[level]
            self.stdout.write(
                f"| {level} | {median:.1f} | {min(computed):.1f} | {max(computed):.1f} | {computed_queries} "
                f"| {statistics.median(cached):.1f} | {cached_queries} | < {target} |"
            )
            if median >= target:
                missed.append(f"{level} dashboard {median:.1f} ms computed (target < {target} ms)")
        if refresh is not None:
            self.stdout.write(f"\nsummary_refresh(): median {refresh:.0f} ms of {REFRESH_RUNS}")
        self.stdout.write(f"Peak memory of this process: {memory:.0f} MB (target < {TARGET_MEMORY_MB} MB)")
        if memory >= TARGET_MEMORY_MB:
            missed.append(f"peak memory {memory:.0f} MB (target < {TARGET_MEMORY_MB} MB)")
        if missed:
            raise CommandError("Missed: " + "; ".join(missed))

    def _page(self, level: str, email: str, scope_field: str, period: str, runs: int, warmup: int):
        """(level, computed times in ms, their queries, cached times, their queries) for one page."""
        scope = ProcessLeaderScope.objects.filter(user__email=email).select_related("user").first()
        if scope is None:
            raise CommandError(f"No {email}: run generate_scale_data first.")
        try:
            url = reverse("dashboards:dashboard", kwargs={"level": level, "pk": getattr(scope, scope_field)})
        except NoReverseMatch:
            raise CommandError(
                f"The URL dashboards:dashboard with level {level!r} does not exist yet: nothing to time."
            ) from None
        url = f"{url}?{period}"
        client = Client(HTTP_HOST=_allowed_host())
        client.force_login(scope.user)
        with override_settings(CACHES=NO_CACHE):
            computed, computed_queries = self._time(client, url, email, runs, warmup)
        cached, cached_queries = self._time(client, url, email, runs, warmup)
        return level, computed, computed_queries, cached, cached_queries

    def _time(self, client: Client, url: str, email: str, runs: int, warmup: int) -> tuple[list[float], int]:
        """The times in ms of `runs` requests after `warmup`, and the queries of one more."""
        times = []
        for run in range(warmup + runs):
            started = time.perf_counter()
            response = client.get(url, secure=True)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise CommandError(f"GET {url} as {email} answered {response.status_code}, not 200.")
            if run >= warmup:
                times.append(elapsed)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
        return times, len(queries)

    def _refresh(self) -> float | None:
        """Median time in ms of the incremental summary refresh, or None while there is none."""
        try:
            from dashboards.services import summary_refresh
        except ImportError:
            self.stdout.write("dashboards.services.summary_refresh does not exist yet: not timed.")
            return None
        times = []
        for _ in range(REFRESH_RUNS):
            started = time.perf_counter()
            summary_refresh()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)


def _last_full_months(today: datetime.date, count: int) -> str:
    """The query string of the `count` months before this one, e.g. fran=2025-11&till=2026-10."""
    last = today.replace(day=1) - datetime.timedelta(days=1)
    index = last.year * 12 + last.month - 1 - (count - 1)
    return f"fran={index // 12:04d}-{index % 12 + 1:02d}&till={last:%Y-%m}"


def _allowed_host() -> str:
    """A host the settings accept, so that the request is not refused as DisallowedHost."""
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host and "*" not in host]
    return hosts[0] if hosts else "localhost"
