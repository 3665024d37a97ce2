from celery import shared_task
from django.utils import timezone

from meetings.pdf import feedback_letter_render
from meetings.scheduling import meetings_generate


@shared_task
def meetings_generate_task() -> int:
    """Keep every active team's meetings generated months ahead (idempotent; see the service)."""
    return meetings_generate(today=timezone.localdate())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def feedback_letter_render_task(item_id: int) -> bool:
    """Render and store one feedback letter; a letter whose content has not changed is kept as it is."""
    return feedback_letter_render(item_id=item_id)
