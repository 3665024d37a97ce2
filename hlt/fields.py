"""Model fields several apps declare alike."""

from django.conf import settings
from django.db import models


def user_field(verbose_name, *, on_delete=models.PROTECT, optional: bool = False, **kwargs) -> models.ForeignKey:
    """A user the row names (who recorded, approved or cancelled it, who is responsible …), with no
    reverse accessor on the user. PROTECT by default: accounts are deactivated, not deleted, while rows name
    them. `optional` for a step not taken yet (null and blank)."""
    if optional:
        kwargs.update(null=True, blank=True)
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete, related_name="+", verbose_name=verbose_name, **kwargs)
