from celery import shared_task
from django.utils import timezone

from consent.services import consent_expiry_sweep


@shared_task
def consent_expiry_sweep_task() -> dict[str, int]:
    """Remind before consent ends and mark it expired after (idempotent; see the service)."""
    return consent_expiry_sweep(today=timezone.localdate())
