"""What several case models share: text limits and the record key behind disclosure control."""

from django.db import models
from django.utils.translation import gettext_lazy as _

SHORT_TEXT = 1000  # characters: room for a few sentences, not for a journal
FAMILY_COMMENT_MAX = 500


class RandomRecordKey(models.Func):
    """A random whole number from 0 to 255, drawn by the database when a row is inserted (also by
    bulk inserts in SQL, and for every existing row when the column is added)."""

    template = "CAST(FLOOR(RANDOM() * 256) AS INTEGER)"
    output_field = models.IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return "(ABS(RANDOM()) %% 256)", []  # %% : Django formats the SQL with its parameters


def record_key_field():
    """The record key of the dashboards' cell key method (docs/dashboards.md, "Disclosure control"):
    fixed at creation and never shown; a published count's adjustment depends on the sum of the
    keys of the records behind it, so the same records always give the same published figure."""
    return models.PositiveSmallIntegerField(_("record key"), db_default=RandomRecordKey(), editable=False)
