"""SQL expressions the summary's sources share: whole days between two dates, and a child's age band."""

from django.db.models import Case, Func, IntegerField, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

# Age bands of the HLT model (0-16); an older child (registered late) counts in the oldest band.
AGE_BANDS = [("0-5", 0, 5), ("6-9", 6, 9), ("10-12", 10, 12), ("13-16", 13, None)]


class DaysBetween(Func):
    """Whole days from the second date to the first: `DaysBetween(end, start)`."""

    output_field = IntegerField()
    arg_joiner = " - "
    template = "(%(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        end, start = self.get_source_expressions()
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        return f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)", [*end_params, *start_params]


def age_band():
    """The child's age on the day the case started, and its band (AGE_BANDS), as expressions."""
    age = (
        ExtractYear("initiated_on")
        - ExtractYear("child__birth_date")
        - Case(
            When(
                Q(initiated_on__month__lt=ExtractMonth("child__birth_date"))
                | Q(
                    initiated_on__month=ExtractMonth("child__birth_date"),
                    initiated_on__day__lt=ExtractDay("child__birth_date"),
                ),
                then=Value(1),
            ),
            default=Value(0),
        )
    )
    *younger, (oldest, _low, _high) = AGE_BANDS
    whens = [When(age__lte=high, then=Value(label)) for label, _low, high in younger]
    return age, Case(*whens, default=Value(oldest))
