from celery import shared_task

from hlt.heartbeat import heartbeat_record


@shared_task(name="hlt.tasks.heartbeat_task", ignore_result=True)
def heartbeat_task() -> None:
    """Run by a worker every minute: readiness fails when no worker has run it lately."""
    heartbeat_record("worker")
