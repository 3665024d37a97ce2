"""The one way to write the access log."""

from django.db.models import Model

from access.models import AccessLogEntry, LogAction, Outcome
from hlt.middleware import client_ip


def form_log_action(request) -> LogAction:
    """What a form page's read is logged as: showing the form is a view, posting it an update."""
    return LogAction.UPDATE if request.method == "POST" else LogAction.VIEW


def object_type_of(model_or_obj) -> str:
    return model_or_obj._meta.label_lower


def log_access(
    request,
    *,
    action: LogAction,
    outcome: Outcome,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    child_id: int | None = None,
    team_id: int | None = None,
    unit_id: int | None = None,
) -> AccessLogEntry:
    """Record that `request.user` did `action` to an object, allowed or denied.

    Pass `obj`, or `object_type` and `object_id` when the object is unknown (a tampered URL).
    """
    user = getattr(request, "user", None)
    return AccessLogEntry.objects.create(
        user_id=user.pk if user is not None and user.is_authenticated else None,
        team_id=team_id,
        unit_id=unit_id,
        action=action,
        object_type=object_type_of(obj) if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else str(object_id)[:64],
        child_id=child_id,
        outcome=outcome,
        request_id=getattr(request, "request_id", ""),
        ip=client_ip(request),
    )


def log_child_search(request, child: Model | None) -> AccessLogEntry:
    """Record an identity-number search: with the child's internal id when the number was found, so
    the child's log extract shows who searched for them (the number itself is never logged)."""
    return log_access(
        request,
        action=LogAction.SEARCH,
        outcome=Outcome.ALLOWED,
        object_type="cases.child",
        object_id=child.pk if child else "",
        child_id=child.pk if child else None,
    )


def log_children_listed(
    request,
    child_ids,
    *,
    action: LogAction = LogAction.LIST,
    team_id: int | None = None,
    unit_id: int | None = None,
) -> list[AccessLogEntry]:
    """Record that a page named these children (a meeting's agenda): one entry per child, so each
    child's log extract shows it, written in one INSERT however many children the page names."""
    user = getattr(request, "user", None)
    common = {
        "user_id": user.pk if user is not None and user.is_authenticated else None,
        "team_id": team_id,
        "unit_id": unit_id,
        "action": action,
        "object_type": "cases.child",
        "outcome": Outcome.ALLOWED,
        "request_id": getattr(request, "request_id", ""),
        "ip": client_ip(request),
    }
    entries = [
        AccessLogEntry(object_id=str(child_id), child_id=child_id, **common) for child_id in sorted(set(child_ids))
    ]
    return AccessLogEntry.objects.bulk_create(entries) if entries else []
