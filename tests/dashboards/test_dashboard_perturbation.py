"""The cell key method's table and rules (dashboards.perturbation), as a reader of the figures or an
attacker who knows the table would check them. The attack suite plays the whole system
(tests/dashboards/test_dashboard_attack.py); these pin the table itself.
"""

import random
from datetime import date

import pytest
import time_machine

from cases.models import Case, ProtectionLevel
from dashboards.models import TeamMonth
from dashboards.perturbation import (
    ADJUSTMENTS,
    KEY_RANGE,
    MAX_ADJUSTMENT,
    Cell,
    adjustment,
    difference,
    part_of,
    published,
)
from dashboards.selectors import TOTAL
from dashboards.services import summary_refresh
from tests.dashboard_helpers import NOW, OCTOBER, dashboard_of, feedback_given, meeting_on, started_case
from tests.feedback_helpers import discussed_item

K = 5


def test_it_never_shows_a_count_from_one_to_four_as_itself():
    for n in range(1, K):
        shown = {Cell.of(n, key, K).display(K) for key in range(KEY_RANGE)}

        assert str(n) not in shown, n
        assert "<5" in shown


def test_it_shows_zero_among_the_small_counts_as_less_than_five():
    assert {Cell.of(0, key, K).display(K) for key in range(KEY_RANGE)} == {"<5"}


def test_it_shows_no_number_below_five():
    for n in range(0, 40):
        for key in range(KEY_RANGE):
            value = published(n, key, K)
            assert value is None or value >= K


def test_it_adjusts_by_at_most_five_and_by_nothing_on_average():
    assert len(ADJUSTMENTS) == KEY_RANGE
    assert sum(ADJUSTMENTS) == 0
    assert MAX_ADJUSTMENT == max(abs(a) for a in ADJUSTMENTS) == 5
    # The extremes are rare: one key in 256 each; 190 of the 256 keys move a count by 2 at most
    assert ADJUSTMENTS.count(5) == ADJUSTMENTS.count(-5) == 1
    assert sum(1 for a in ADJUSTMENTS if abs(a) <= 2) == 190


def test_it_gives_the_same_records_the_same_figure_however_they_are_added_up():
    # Given 40 records with random keys, added up as one cell or as the sum of its parts (months,
    # teams) in any order
    rng = random.Random(1)  # noqa: S311 - test data
    keys = [rng.randrange(KEY_RANGE) for _record in range(40)]
    parts = [keys[:7], keys[7:19], keys[19:]]

    as_one = published(len(keys), sum(keys), K)
    as_parts = published(sum(map(len, parts)), sum(sum(part) for part in parts[::-1]), K)

    assert as_one == as_parts == 40 + adjustment(40, sum(keys))


def test_it_never_shows_a_part_above_its_whole_and_hides_it_with_its_whole():
    whole, part = Cell(20, value=19), Cell(20, value=22)

    assert part_of(part, whole).value == 19
    assert part_of(Cell(3, value=6), Cell(4, value=None)).hidden


def test_it_works_out_a_difference_from_the_published_figures_only():
    # The families who waited too long: published due minus published within
    late = difference(Cell(30, value=34), Cell(25, value=27), K)

    assert (late.value, late.n, late.derived) == (7, 5, True)


def test_it_shows_a_difference_below_five_as_less_than_five_like_any_figure():
    late = difference(Cell(30, value=28), Cell(25, value=27), K)

    assert (late.display(K), late.n) == ("<5", 5)


# --- The summary's key sums against the records (the SQL's oracle for the meetings' figures) --------


@pytest.fixture
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("_now")
def test_the_summary_adds_up_the_record_keys_of_exactly_the_records_it_counts(team, member):
    # Given five cases discussed in October, four of them given feedback within the 7 days, and a
    # protected child's case discussed at the same meeting
    cases = [started_case(team, member, on=date(2026, 10, day)) for day in range(1, 6)]
    protected = started_case(team, member, on=date(2026, 10, 7), protection=ProtectionLevel.PROTECTED_REGISTRATION)
    meeting = meeting_on(team, date(2026, 10, 13))
    items = [discussed_item(case, contact=member, meeting=meeting) for case in [*cases, protected]]
    for item in items[:4]:
        feedback_given(item, date(2026, 10, 15))

    summary_refresh()

    # Then each count's key sum is the sum of its records' keys, the protected child's left out
    cases = list(Case.objects.filter(pk__in=[c.pk for c in cases]).select_related("child"))
    within = {item.case_id for item in items[:4]}
    row = TeamMonth.objects.get(team=team, month=OCTOBER)
    assert (row.feedback_within, row.feedback_within_keys) == (4, sum(c.record_key for c in cases if c.pk in within))
    assert (row.cases_started, row.cases_started_keys) == (5, sum(c.record_key for c in cases))
    dashboard = dashboard_of(team, OCTOBER)
    children = {c.child_id: c.child.record_key for c in cases}
    discussed = dashboard.cell(TOTAL, "children_discussed")
    assert (discussed.n, discussed.key) == (5, sum(children.values()))
    assert discussed.display(5) == Cell.of(5, sum(children.values()), 5).display(5)
