from celery import shared_task
from django.utils import timezone

from cases.deadlines import deadline_sweep


@shared_task
def deadline_sweep_task() -> int:
    """Send the deadline reminders and escalations whose time has come (idempotent; see the service)."""
    return deadline_sweep(now=timezone.now())
