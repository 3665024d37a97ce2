"""The meetings app's panel on the case page (cases.panels): the meetings the case is or was on."""

from django.db.models import Prefetch

from cases.panels import register_panel
from meetings.models import AgendaItem


def case_page_prefetch() -> list[Prefetch]:
    """The meetings the case is on or was discussed at, newest first, with contact person and deadline."""
    return [
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.exclude(state="removed")
            .select_related("meeting", "contact_person", "deadline")
            .order_by("-meeting__starts_at", "-pk"),
        )
    ]


def register_case_panels() -> None:
    register_panel(
        "meetings.meetings", "meetings/_case_meetings.html", slot="body", order=40, prefetch=case_page_prefetch
    )
