"""Cases in support, for the intervention, follow-up and closure tests.

`supported()` moves a case to where support is planned directly with the ORM (the meetings and
feedback services are tested on their own); `an_intervention()` and `a_follow_up()` go through the
support services with sensible defaults.
"""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.html import escape

from cases.models import Case, CaseStatus
from meetings.models import InterventionType
from support.models import FollowUp, FollowUpKind, Intervention
from support.services import follow_up_plan, intervention_add


def shown(text: str) -> str:
    """`text` as an English page shows it (the tests use the `english` fixture)."""
    return escape(text)


def supported(case: Case, status: str = CaseStatus.FEEDBACK_GIVEN) -> Case:
    """`case` as it is once the team has discussed it (and, by default, the family has had the
    feedback); its initiator's unit is one of the team's area's units."""
    case.team.area.units.add(case.initiator_unit)
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def a_type(name: str = "") -> InterventionType:
    types = InterventionType.objects.filter(is_active=True).order_by("position", "name")
    return types.get(name=name) if name else types.first()


def an_intervention(case: Case, actor, **overrides) -> Intervention:
    today = timezone.localdate()
    values = {
        "intervention_type": a_type(),
        "responsible_unit": case.initiator_unit,
        "responsible_person": actor,
        "description": "Anpassningar i klassrummet",
        "start_date": today,
        "follow_up_date": today + timedelta(days=30),
    }
    return intervention_add(case=case, actor=actor, **{**values, **overrides})


def a_follow_up(case: Case, actor, *, planned_on: date | None = None, **overrides) -> FollowUp:
    """A follow-up at a separate meeting with the family, `actor` responsible (default in a week)."""
    values = {
        "kind": FollowUpKind.FAMILY_MEETING,
        "responsible": actor,
        "planned_on": planned_on or timezone.localdate() + timedelta(days=7),
        "now": timezone.now(),
    }
    return follow_up_plan(case=case, actor=actor, **{**values, **overrides})
