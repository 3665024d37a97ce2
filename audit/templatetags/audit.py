from django import template

from audit.report import object_kind as _object_kind

register = template.Library()


@register.filter
def object_kind(object_type: str) -> str:
    """An access-log entry's object in words ("HLT case")."""
    return _object_kind(object_type)
