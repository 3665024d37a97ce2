from celery import shared_task

from dashboards.services import summary_rebuild, summary_refresh


@shared_task
def summary_refresh_task() -> str:
    """Recompute the summary's recent months (idempotent: it replaces them in one transaction)."""
    return summary_refresh().isoformat()


@shared_task
def summary_rebuild_task() -> None:
    """Recompute the whole summary, for corrections older than the recent months."""
    summary_rebuild()
