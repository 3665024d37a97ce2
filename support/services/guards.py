"""What every support service checks first: the case's lock and state, its members, field lengths."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus
from cases.services import case_require_open
from support.models import (
    SUPPORT_STATUSES,
    InterventionStatus,
)
from teams.selectors import active_member_ids

Status = InterventionStatus
STATUS_MOVES: dict[str, set[str]] = {
    Status.PLANNED: {Status.ONGOING, Status.CANCELLED},
    Status.ONGOING: {Status.DONE, Status.CANCELLED},
    Status.DONE: set(),
    Status.CANCELLED: set(),
}


def _lock_case(case_id) -> Case:
    case = Case.objects.select_for_update().select_related("team__area").get(pk=case_id)
    case_require_open(case)
    return case


def _require_supported(case: Case) -> None:
    if case.status not in SUPPORT_STATUSES:
        raise ValidationError(
            _(
                "Interventions and follow-ups are planned once the team has discussed the case at a meeting; "
                "this case is “%(status)s”."
            )
            % {"status": CaseStatus(case.status).label}
        )


def _member_ids(case: Case) -> set[int]:
    return active_member_ids(case.team_id)


def _too_long(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return _("Keep it short: at most %(limit)s characters (now %(count)s).") % {"limit": limit, "count": len(value)}
    return None


def _iso(value: date) -> str:
    return value.isoformat()
