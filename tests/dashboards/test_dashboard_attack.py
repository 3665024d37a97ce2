"""The attack suite: a user who collects every figure they can reach tries to work out small counts.

The crafted country: region R with municipality M1 (area X: two large teams A and B beside the
small team C, 1-3 cases a month) and municipality M2 (area Y: a large team D), cases over the 12
months to November 2026. In team C a child alone in the 13-16 age band, tiny closure groups (one
or two closures of a reason), the families' scores of those few closures, and a protected child
whose case starts and closes there.

The attacker is each of three users: the regional process leader (every unit), a member of area
X's management group (X, A, B, C) and C's coordinator (C). For every unit they can open and every
period the form allows around the data (each month, quarter and year, and the 12 full months), they
download the page (HTML: the tables, the charts' bar texts and summaries), the CSV and the Excel
workbook. The attacks played on the figures collected (tests/dashboards/sdc_attack.py):

- level against level: a municipality or area minus its other teams, a region minus its other
  municipality and teams;
- a period against its parts: a quarter, a year or the 12 months minus the other months;
- a small category against its total: an age band or a closure reason beside the cases started
  or closed of the same page, and the other categories;
- all of these at once: exact integer solving with bounds over every figure collected (every
  published number is known to be within 5 of the truth, "<5" a true count from 0 to 9);
- averaging: the mean of every available difference, rounded, as the best estimate of each small
  count;
- a protected child: the figures with the protected child's case are compared with those of the
  same records without it;
- means and medians over few: on every page where fewer than HLT_DASHBOARD_MIN_UNITS families
  answered, the mean is not shown.

Targets: no true count from 1 to 4 determined exactly; the averaging attacker right for at most one
in three small counts (over many draws of the record keys, by the plain-Python reference, which is
first checked to give exactly what the pages gave); no figure changed by the protected child.
"""

import datetime
import random
from collections import defaultdict

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import translation

from cases.models import Case, CaseStatus, ProtectionLevel
from dashboards.expressions import AGE_BANDS
from dashboards.periods import Period, add_months
from dashboards.perturbation import Cell
from dashboards.services import summary_refresh
from teams.models import Role
from tests.dashboard_helpers import STOCKHOLM
from tests.dashboards import sdc_attack
from tests.dashboards.sdc_collect import REASONS, collect
from tests.factories import (
    AreaFactory,
    CaseFactory,
    ChildFactory,
    ManagementFactory,
    MembershipFactory,
    MunicipalityFactory,
    RegionFactory,
    ScopeFactory,
    TeamFactory,
)

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=STOCKHOLM)
MONTHS = [add_months(datetime.date(2025, 12, 1), index) for index in range(12)]  # December 2025 - November 2026
SIZES = {"A": (7, 10), "B": (6, 9), "C": (1, 3), "D": (8, 12)}
DRAWS = 60


def _periods() -> list[Period]:
    """Every period the form offers around the data: each month, quarter and year, and the 12 months."""
    months = [Period(month, month) for month in [add_months(MONTHS[0], -1), *MONTHS]]
    quarters = [
        Period(add_months(datetime.date(2025, 10, 1), 3 * q), add_months(datetime.date(2025, 12, 1), 3 * q))
        for q in range(5)
    ]
    years = [Period(datetime.date(year, 1, 1), datetime.date(year, 12, 1)) for year in (2025, 2026)]
    return [*months, *quarters, *years, Period.last_twelve_months(NOW.date())]


def _band(age: int) -> str:
    return next(label for label, low, high in AGE_BANDS if high is None or age <= high)


def _country():
    """The crafted country, its records as the reference sees them, and the three attackers."""
    rng = random.Random(20261120)  # noqa: S311 - test data
    region = RegionFactory(name="R", code="99")
    m1, m2 = (
        MunicipalityFactory(region=region, name=name, code=code) for name, code in (("M1", "9901"), ("M2", "9902"))
    )
    x, y = AreaFactory(name="X", municipality=m1), AreaFactory(name="Y", municipality=m2)
    teams = {name: TeamFactory(name=name, area=x if name in "ABC" else y) for name in "ABCD"}
    initiators = {name: MembershipFactory(team=team).user for name, team in teams.items()}
    records = []

    def case(name, month, *, age=8, protection=ProtectionLevel.NONE, closed=None, reason=None, score=None):
        started = month.replace(day=rng.randint(1, 28))
        born = started.replace(year=started.year - age) - datetime.timedelta(days=1)
        initiator = initiators[name]
        made = CaseFactory(
            team=teams[name],
            child=ChildFactory(birth_date=born, protection=protection),
            initiator=initiator,
            initiator_unit=initiator.memberships.get().home_unit,
            initiated_on=started,
        )
        if closed:
            Case.objects.filter(pk=made.pk).update(
                status=CaseStatus.CLOSED,
                closed_on=closed.replace(day=15),
                closure_reason=reason,
                family_experience=score,
            )
        records.append(
            {
                "pk": made.pk,
                "team": name,
                "month": month,
                "band": _band(age),
                "closed": closed,
                "reason": reason,
                "protected": protection != ProtectionLevel.NONE,
            }
        )

    with time_machine.travel(NOW, tick=False):
        for name, (low, high) in SIZES.items():
            for month in MONTHS:
                for _n in range(rng.randint(low, high)):
                    closing = name != "C" and rng.random() < 0.3 and month < MONTHS[-1]
                    case(name, month, closed=add_months(month, 1) if closing else None, reason=rng.choice(REASONS))
        # Team C: tiny closure groups with the families' scores, and a child alone in its age band
        for month, reason, score in (
            (MONTHS[3], REASONS[0], 5),
            (MONTHS[6], REASONS[1], 2),
            (MONTHS[9], REASONS[0], 4),
        ):
            case("C", month, closed=add_months(month, 1), reason=reason, score=score)
        case("C", MONTHS[10], age=14)
        case(
            "C",
            MONTHS[9],
            protection=ProtectionLevel.PROTECTED_REGISTRATION,
            closed=MONTHS[10],
            reason=REASONS[1],
            score=1,
        )
    users = {
        "regional leader": ScopeFactory(region=region).user,
        "management group": ManagementFactory(area=x).user,
        "coordinator": MembershipFactory(team=teams["C"], role=Role.COORDINATOR).user,
    }
    units = {"R": region, "M1": m1, "M2": m2, "X": x, "Y": y, **teams}
    return units, records, users


# --- The reference: the published figures worked out in plain Python from the records ----------------

UNIT_TEAMS = {"R": "ABCD", "M1": "ABC", "M2": "D", "X": "ABC", "Y": "D", "A": "A", "B": "B", "C": "C", "D": "D"}


def _figure_cells(figure) -> frozenset:
    """The finest cells (kind, team, month, category) a figure (unit, period, measure, category) adds up."""
    unit, period, measure, category = figure
    categories = [b for b, _low, _high in AGE_BANDS] if measure == "cases" else REASONS
    chosen = categories if category is None else [category]
    kind = "case" if measure == "cases" else "closure"
    return frozenset((kind, t, m, c) for t in UNIT_TEAMS[unit] for m in period.months for c in chosen)


def _cell_of(record) -> list[tuple]:
    cells = [("case", record["team"], record["month"], record["band"])]
    if record["closed"]:
        cells.append(("closure", record["team"], record["closed"], record["reason"]))
    return cells


def reference(records, keys: dict, figures) -> tuple[dict, dict]:
    """Each figure as published (text) and its true count, from the records without the protected
    child's (the dashboards count protected children nowhere) and the given record keys."""
    counted = defaultdict(lambda: [0, 0])
    for record in records:
        if not record["protected"]:
            for cell in _cell_of(record):
                counted[cell][0] += 1
                counted[cell][1] += keys[record["pk"]]
    shown, truth = {}, {}
    for figure in figures:
        members = _figure_cells(figure)
        n = sum(counted[cell][0] for cell in members if cell in counted)
        key = sum(counted[cell][1] for cell in members if cell in counted)
        shown[figure], truth[figure] = Cell.of(n, key, sdc_attack.K).display(sdc_attack.K), n
    return shown, truth


# --- The attacks ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def collected(django_db_setup, django_db_blocker):
    """Everything the three users collected, with fixed record keys (a seeded draw) and the refresh
    done at NOW. Made once for the module (it takes a few minutes: some 600 downloads) in a
    transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic(), translation.override("en"):
        cache.clear()
        units, records, users = _country()
        draw = random.Random(3)  # noqa: S311 - a fixed draw of the record keys
        keys = {record["pk"]: draw.randrange(256) for record in records}
        for pk, key in keys.items():
            Case.objects.filter(pk=pk).update(record_key=key)
        with time_machine.travel(NOW, tick=False):
            summary_refresh(months=14)
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            reached = {
                name: collect(client, user, units, _periods(), every_format=name == "regional leader")
                for name, user in users.items()
            }
        yield units, records, keys, reached
        transaction.set_rollback(True)
        cache.clear()


def _union(reached) -> dict:
    figures = {}
    for name, (found, _means) in reached.items():
        for figure, text in found.items():
            assert figures.setdefault(figure, text) == text, (
                f"{name} got {figure} as {text}, another as {figures[figure]}"
            )
    return figures


def test_every_user_gets_the_same_figure_for_the_same_records_on_every_page_and_format(db, collected):
    # Given what the regional leader, the management-group member and the coordinator collected
    _units, _records, _keys, reached = collected

    # Then every figure reached more than once (another level, the comparison, the month table, the
    # total row, the CSV, the workbook, the chart) had one value, and each user reached what they may
    figures = _union(reached)
    assert {figure[0] for figure in reached["coordinator"][0]} == {"C"}
    assert {figure[0] for figure in reached["management group"][0]} == {"X", "A", "B", "C"}
    assert len(figures) == len(reached["regional leader"][0]) > 1000


def test_the_pages_publish_what_the_plain_python_reference_works_out(db, collected):
    # Given the records and their keys, the reference works out each figure (the oracle of the SQL)
    _units, records, keys, reached = collected
    figures = _union(reached)

    shown, _truth = reference(records, keys, figures)

    # Then the pages published exactly that, the protected child's case left out
    assert figures == shown


def test_no_small_count_is_determined_by_all_the_figures_together(db, collected):
    # Given every figure the three users reached, and the small counts among them
    _units, records, keys, reached = collected
    figures = _union(reached)
    _shown, truth = reference(records, keys, figures)
    published = {_figure_cells(figure): text for figure, text in figures.items()}
    small = {_figure_cells(figure): n for figure, n in truth.items() if 1 <= n <= 4}

    # When the attacker solves the system they form, exactly, in integers with the method's bounds
    pinned = sdc_attack.determined(published, small)

    # Then every small count has at least two possible values
    assert len(small) > 30
    assert pinned == []


def test_the_averaging_attacker_is_right_for_at_most_one_small_count_in_three(db, collected):
    # Given the figures of this draw of record keys, and of DRAWS other draws (by the reference,
    # which gives exactly what the pages give)
    _units, records, keys, reached = collected
    figures = list(_union(reached))
    rng = random.Random(7)  # noqa: S311 - test data
    right = total = 0
    for draw in range(DRAWS + 1):
        draw_keys = keys if draw == 0 else {pk: rng.randrange(256) for pk in keys}
        shown, truth = reference(records, draw_keys, figures)
        published = {_figure_cells(figure): text for figure, text in shown.items()}
        hit, of = sdc_attack.hits(published, {_figure_cells(figure): n for figure, n in truth.items()})
        right, total = right + hit, total + of

    # Then the mean of every available difference is right for at most one small count in three
    assert total > 30 * DRAWS
    assert right / total <= 1 / 3, f"{right} of {total}"


def test_the_protected_child_changes_no_figure(db, collected):
    # Given the figures worked out from the records as if the protected child's case did not exist
    units, records, keys, reached = collected
    figures = _union(reached)
    without, _truth = reference([r for r in records if not r["protected"]], keys, figures)

    # Then every published figure is the same: nothing tells whether the protected child is there
    assert figures == without
    assert Case.objects.filter(child__protection=ProtectionLevel.PROTECTED_REGISTRATION, team=units["C"]).exists()


def test_no_mean_is_shown_over_fewer_than_ten_families(db, collected):
    # Given team C's few scored closures (and the region's, all in C)
    _units, _records, _keys, reached = collected

    # Then no page of any user shows the families' mean score: all are over fewer than ten
    means = {page: text for _name, (_f, found) in reached.items() for page, text in found.items()}
    assert set(means.values()) <= {"x", "–"}
    assert "x" in means.values()
