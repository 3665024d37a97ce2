from celery import shared_task
from django.db import connection

from dashboards.figures import prepare_recent
from dashboards.models import FACT_MODELS, SummaryState
from dashboards.services import summary_rebuild, summary_refresh


def _vacuum_summary() -> None:
    """Mark the rewritten summary pages all-visible again, so dashboards keep reading their
    covering indexes alone instead of visiting the table (PostgreSQL; outside any transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in FACT_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


@shared_task
def summary_refresh_task() -> str:
    """Recompute the summary's recent months (idempotent: it replaces them in one transaction) and
    compute the dashboards people open ahead. A summary never built whole (a new deployment, or one
    a migration emptied) is built whole."""
    if not SummaryState.objects.filter(rebuilt_at__isnull=False).exists():
        summary_rebuild_task()
        return "rebuilt"
    since = summary_refresh()
    _vacuum_summary()
    prepare_recent()
    return since.isoformat()


@shared_task
def summary_rebuild_task() -> None:
    """Recompute the whole summary, for corrections older than the recent months."""
    summary_rebuild()
    _vacuum_summary()
    prepare_recent()
