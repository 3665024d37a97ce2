"""Disclosure control of the dashboards' tables (dashboards.suppression.suppress), against tables
worked out by hand.

A count from 1 to k-1 is hidden as "<k" (primary); then every line (members and their total) that
has exactly one hidden entry gets its smallest non-zero open member hidden as "x" (secondary), until
no line has exactly one. The expected grids below are literal: what an auditor would see.
"""

import random

from dashboards.suppression import PRIMARY, SECONDARY, Cell, suppress

K = 5
COUNTS = [0, 0, 1, 2, 3, 4, 5, 6, 8, 13, 40]


def _cells(values: dict) -> dict:
    return {key: value if isinstance(value, Cell) else Cell(value) for key, value in values.items()}


def _shown(cells: dict, k: int = K) -> dict:
    return {key: cell.display(k) for key, cell in cells.items()}


def _hidden_per_line(cells: dict, lines: list) -> list[int]:
    return [sum(1 for key in [*members, total] if cells[key].hidden) for members, total in lines]


def _grid(rows: list[list[int]]) -> tuple[dict, list]:
    """A table with row totals, column totals and a grand total; its lines in the order rows,
    columns, the column totals' row, the row totals' column."""
    cells = {}
    for r, row in enumerate(rows):
        for c, n in enumerate(row):
            cells[(r, c)] = Cell(n)
        cells[(r, "total")] = Cell(sum(row))
    columns = range(len(rows[0]))
    for c in columns:
        cells[("total", c)] = Cell(sum(row[c] for row in rows))
    cells[("total", "total")] = Cell(sum(map(sum, rows)))
    lines = [([(r, c) for c in columns], (r, "total")) for r in range(len(rows))]
    lines += [([(r, c) for r in range(len(rows))], ("total", c)) for c in columns]
    lines.append(([("total", c) for c in columns], ("total", "total")))
    lines.append(([(r, "total") for r in range(len(rows))], ("total", "total")))
    return cells, lines


def _as_grid(cells: dict, rows: int, columns: int, k: int = K) -> list[list[str]]:
    return [[cells[(r, c)].display(k) for c in [*range(columns), "total"]] for r in [*range(rows), "total"]]


# --- Primary suppression ----------------------------------------------------------------------------


def test_it_hides_counts_from_one_to_four_and_shows_zero_and_five_upwards():
    cells = _cells({n: n for n in range(8)})

    suppress(cells, [], K)

    assert _shown(cells) == {0: "0", 1: "<5", 2: "<5", 3: "<5", 4: "<5", 5: "5", 6: "6", 7: "7"}
    assert {n for n, cell in cells.items() if cell.hidden == PRIMARY} == {1, 2, 3, 4}


def test_it_hides_below_a_configured_minimum_of_ten():
    cells = _cells({n: n for n in (0, 1, 5, 9, 10, 11)})

    suppress(cells, [], 10)

    assert _shown(cells, 10) == {0: "0", 1: "<10", 5: "<10", 9: "<10", 10: "10", 11: "11"}


# --- Protected children -----------------------------------------------------------------------------


def test_it_hides_a_count_whose_others_beside_the_protected_children_are_fewer_than_five():
    cells = {"six, two protected": Cell(6, protected=2), "seven, two protected": Cell(7, protected=2)}

    suppress(cells, [], K)

    # 6 - 2 = 4 others: too few to hide the protected children among; 7 - 2 = 5 others: enough.
    assert _shown(cells) == {"six, two protected": "<5", "seven, two protected": "7"}


def test_it_hides_a_protected_child_even_at_the_lowest_minimum():
    cells = {"with a protected child": Cell(2, protected=1), "without": Cell(2)}

    suppress(cells, [], 2)

    assert _shown(cells, 2) == {"with a protected child": "<2", "without": "2"}


def test_it_hides_a_count_made_only_of_protected_children():
    cells = {"all protected": Cell(12, protected=12)}

    suppress(cells, [], K)

    assert cells["all protected"].hidden == PRIMARY


# --- Secondary suppression in one line --------------------------------------------------------------


def test_it_hides_the_smallest_other_member_so_the_total_cannot_give_a_small_count_away():
    # Given four months adding up to 17, one of them 3
    cells = _cells({"jan": 3, "feb": 8, "mar": 6, "apr": 0, "total": 17})
    lines = [(["jan", "feb", "mar", "apr"], "total")]

    suppress(cells, lines, K)

    # Then March (6), the smallest non-zero other month, is hidden too; the empty April is not picked
    assert _shown(cells) == {"jan": "<5", "feb": "8", "mar": "x", "apr": "0", "total": "17"}
    assert cells["mar"].hidden == SECONDARY
    assert _hidden_per_line(cells, lines) == [2]


def test_it_leaves_a_line_with_two_small_counts_as_it_is():
    cells = _cells({"a": 2, "b": 3, "c": 9, "total": 14})

    suppress(cells, [(["a", "b", "c"], "total")], K)

    assert _shown(cells) == {"a": "<5", "b": "<5", "c": "9", "total": "14"}


def test_it_hides_a_small_total_with_its_only_member_and_shows_the_zeros():
    # Given a line whose total itself is small: 4 cases, all in one month
    cells = _cells({"jan": 4, "feb": 0, "mar": 0, "total": 4})
    lines = [(["jan", "feb", "mar"], "total")]

    suppress(cells, lines, K)

    # Then the month and the total are hidden, and nothing else needs to be: zeros reveal nothing
    assert _shown(cells) == {"jan": "<5", "feb": "0", "mar": "0", "total": "<5"}
    assert not any(cell.hidden == SECONDARY for cell in cells.values())


def test_it_hides_a_zero_member_only_when_no_other_member_is_left():
    # Given a line of one small count and a zero, whose total does not sum them (a total from elsewhere)
    cells = _cells({"a": 3, "b": 0, "total": 9})

    suppress(cells, [(["a", "b"], "total")], K)

    assert _shown(cells) == {"a": "<5", "b": "x", "total": "9"}


# --- Secondary suppression across a two-way table ---------------------------------------------------


def test_it_cascades_across_rows_and_columns_until_every_line_is_safe():
    # Given three teams by three months, with row, column and grand totals, and one small count
    cells, lines = _grid(
        [
            [3, 9, 12],
            [8, 20, 7],
            [10, 6, 15],
        ]
    )

    suppress(cells, lines, K)

    # Then, worked through line by line in order (rows, then columns, then the totals), until stable:
    # row 0 hides its 9; column 0 its 8; column 1 its 6; row 1 its 7; row 2 its 10; column 2 its 12
    assert _as_grid(cells, 3, 3) == [
        ["<5", "x", "x", "24"],
        ["x", "20", "x", "35"],
        ["x", "x", "15", "31"],
        ["21", "35", "34", "90"],
    ]
    assert all(count == 0 or count >= 2 for count in _hidden_per_line(cells, lines))


def test_it_never_hides_anything_in_a_table_without_small_counts():
    cells, lines = _grid([[5, 9], [12, 0]])

    suppress(cells, lines, K)

    assert _as_grid(cells, 2, 2) == [["5", "9", "14"], ["12", "0", "12"], ["17", "9", "26"]]


def test_it_never_leaves_a_line_with_exactly_one_hidden_entry():
    # Given random tables (a fixed seed) of many sizes, with small counts, zeros and protected children
    rng = random.Random(20261120)  # noqa: S311 - test data, not a secret
    for _table in range(200):
        width, height = rng.randint(1, 5), rng.randint(1, 5)
        rows = [[rng.choice(COUNTS) for _c in range(width)] for _r in range(height)]
        cells, lines = _grid(rows)
        for key, cell in cells.items():
            if key[0] != "total" and key[1] != "total" and cell.n and rng.random() < 0.1:
                cell.protected = 1
        k = rng.choice([3, 5, 10])

        suppress(cells, lines, k)

        # Then no line has exactly one hidden entry, and every small count is hidden
        assert 1 not in _hidden_per_line(cells, lines), rows
        assert all(cell.hidden for cell in cells.values() if 0 < cell.n < k), rows
