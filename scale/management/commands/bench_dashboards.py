"""Time the dashboards on the generated national dataset (`make bench`; see generate_scale_data).

Requests go through the whole middleware stack in this process with Django's test client, logged
in as the generated process leaders, so the time is the server's and nothing else's. Each page is
the one the start page links to (the last 12 months), timed three ways:

- *computed*: with no cache at all, what a visitor waits for on a dashboard nobody opened lately;
- *after a refresh*: the first request after beat's refresh task (refresh, vacuum, and the
  dashboards opened lately computed ahead), with figures as fresh as the summary; the targets
  apply to this, what the people who follow the figures meet;
- *cached*: a later request before the next refresh.

Prints a Markdown table and fails when a target is missed (TARGET_MS: since the cell key method, the
regional page within 35 ms and a municipal one within 10 ms after a refresh).
"""

import resource
import statistics
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from dashboards.models import SummaryState
from dashboards.tasks import summary_rebuild_task, summary_refresh_task
from scale.generate import BENCH_MUNICIPALITY_EMAIL, BENCH_REGION_EMAIL
from teams.models import ProcessLeaderScope

# Since the cell key method (docs/dashboards.md): the regional page within 35 ms and a municipal one
# within 10 ms after a refresh.
TARGET_MS = {"region": 35, "kommun": 10}
TARGET_MEMORY_MB = 500
REFRESH_RUNS = 3
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@dataclass
class Page:
    level: str
    url: str
    client: Client
    computed: list[float] = field(default_factory=list)
    after_refresh: list[float] = field(default_factory=list)
    cached: list[float] = field(default_factory=list)
    queries: dict[str, int] = field(default_factory=dict)


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
        if not SummaryState.objects.filter(rebuilt_at__isnull=False).exists():
            self.stdout.write("The summary was never built whole (a new dataset, or migrated): building it first.")
            summary_rebuild_task()
        pages = [
            self._page("region", BENCH_REGION_EMAIL, "region_id"),
            self._page("kommun", BENCH_MUNICIPALITY_EMAIL, "municipality_id"),
        ]
        for page in pages:
            with override_settings(CACHES=NO_CACHE):
                page.computed = self._time(page, runs, warmup, "computed")
            page.cached = self._time(page, runs, warmup, "cached")  # the warm-up notes the visit, too
        refreshes = []
        for _run in range(REFRESH_RUNS):
            started = time.perf_counter()
            summary_refresh_task()
            refreshes.append((time.perf_counter() - started) * 1000)
            for page in pages:
                page.after_refresh += self._time(page, 1, 0, "after refresh")
        memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux

        self.stdout.write(
            f"\nDashboards, the last 12 months, {runs} runs after {warmup} warm-up ({REFRESH_RUNS} after a refresh), "
            "server time in ms (queries)\n"
        )
        self.stdout.write(
            "| page | computed: median | min | max | after a refresh: median | max | cached: median | target |\n"
            "|---|---|---|---|---|---|---|---|"
        )
        missed = []
        for page in pages:
            median, target = statistics.median(page.after_refresh), TARGET_MS[page.level]
            q = page.queries
            self.stdout.write(
                f"| {page.level} | {statistics.median(page.computed):.1f} ({q['computed']}) | {min(page.computed):.1f} "
                f"| {max(page.computed):.1f} | {median:.1f} ({q['after refresh']}) | {max(page.after_refresh):.1f} "
                f"| {statistics.median(page.cached):.1f} ({q['cached']}) | ≤ {target} |"
            )
            if median > target:
                missed.append(f"{page.level} dashboard {median:.1f} ms after a refresh (target ≤ {target} ms)")
        refresh = statistics.median(refreshes)
        self.stdout.write(f"\nrefresh task (refresh, vacuum, dashboards computed ahead): median {refresh:.0f} ms")
        self.stdout.write(f"Peak memory of this process: {memory:.0f} MB (target < {TARGET_MEMORY_MB} MB)")
        if memory >= TARGET_MEMORY_MB:
            missed.append(f"peak memory {memory:.0f} MB (target < {TARGET_MEMORY_MB} MB)")
        if missed:
            raise CommandError("Missed: " + "; ".join(missed))

    def _page(self, level: str, email: str, scope_field: str) -> Page:
        scope = ProcessLeaderScope.objects.filter(user__email=email).select_related("user").first()
        if scope is None:
            raise CommandError(f"No {email}: run generate_scale_data first.")
        client = Client(HTTP_HOST=_allowed_host())
        client.force_login(scope.user)
        url = reverse("dashboards:dashboard", kwargs={"level": level, "pk": getattr(scope, scope_field)})
        return Page(level, url, client)

    def _time(self, page: Page, runs: int, warmup: int, mode: str) -> list[float]:
        """The times in ms of `runs` requests after `warmup`; the queries of the first timed one."""
        times = []
        for run in range(warmup + runs):
            # Only the first timed request counts its queries: counting keeps them all in memory.
            with CaptureQueriesContext(connection) if run == warmup else nullcontext() as queries:
                started = time.perf_counter()
                response = page.client.get(page.url, secure=True)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise CommandError(f"GET {page.url} answered {response.status_code}, not 200.")
            if run == warmup:
                page.queries[mode] = len(queries)
            if run >= warmup:
                times.append(elapsed)
        return times


def _allowed_host() -> str:
    """A host the settings accept, so that the request is not refused as DisallowedHost."""
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host and "*" not in host]
    return hosts[0] if hosts else "localhost"
