"""Disclosure control by the cell key method (ABS TableBuilder, ONS Census 2021): every published
count is adjusted by a small amount fixed by the records behind it, and small results are hidden.

Every case and every child carries a random record key from 0 to 255, fixed when it is created
(`cases.models.record_key_field`). The summary keeps, beside each count, the sum of its records'
keys; a cell's key is that sum modulo 256. The perturbation table below maps (count, cell key) to
an adjustment from -3 to +3, each about equally likely. So:

- the same cell (the same records) gets the same published value on every page, level, period
  and format, however it is asked for: asking again, or another way, gives nothing new;
- a published figure is never the sum of other published figures, so no subtraction (level
  against level, a quarter against its months) gives an exact count: each figure carries its own
  independent error;
- a result below k (`HLT_STATS_MIN_COUNT`, 5) is shown as "<k", and a true count from 1 to k - 1 is
  never shown exactly: it is hidden, or shown as a number it may differ from by up to 3;
- a zero is shown as 0: no record, no person to protect, and no key.

Rates, differences and means are worked out from the published figures (`derived`), so no page
contradicts another. The method needs no secondary suppression: that repaired exact totals, and no
total is exact any more. The tests check the SQL's key sums against a plain-Python reference and
play the attacker (tests/test_dashboard_attack.py).
"""

from dataclasses import dataclass

KEY_RANGE = 256
MAX_ADJUSTMENT = 3
# The perturbation table: the adjustment of a count of 1 or more whose cell key is `key` is
# ADJUSTMENTS[key % 7]. 256 keys over 7 values: -3..0 for 37 keys each, 1..3 for 36 each.
ADJUSTMENTS = (-3, -2, -1, 0, 1, 2, 3)
# The families' scores are 1-5: a sum of scores moves by up to 3 top scores, and by another draw
# than its count (the key shifted by half the range), so a mean is no exact ratio either.
TOP_SCORE = 5
SUM_KEY_SHIFT = KEY_RANGE // 2


def cell_key(key_sum: int) -> int:
    return key_sum % KEY_RANGE


def adjustment(n: int, key_sum: int) -> int:
    """The perturbation table: what is added to a true count `n` whose records' keys add up to
    `key_sum`. A zero stays zero."""
    if n == 0:
        return 0
    return ADJUSTMENTS[cell_key(key_sum) % len(ADJUSTMENTS)]


def published(n: int, key_sum: int, k: int) -> int | None:
    """The figure shown for a count `n` (None: hidden, shown as "<k")."""
    if n == 0:
        return 0
    value = n + adjustment(n, key_sum)
    return value if value >= k else None


@dataclass
class Cell:
    """A count as the dashboards publish it: `n` is the true count and never leaves the server
    except through `value`, the perturbed figure (None when hidden)."""

    n: int
    key: int = 0  # the sum of the records' keys
    value: int | None = 0
    derived: bool = False  # worked out from other published figures, not perturbed itself

    @classmethod
    def of(cls, n: int, key: int, k: int) -> "Cell":
        return cls(n, key, published(n, key, k))

    @classmethod
    def from_figures(cls, n: int, value: int | None) -> "Cell":
        """A figure worked out from published ones (`n`: the same worked out from the true counts)."""
        return cls(n, value=value, derived=True)

    @property
    def hidden(self) -> bool:
        return self.value is None

    def display(self, k: int) -> str:
        return f"<{k}" if self.value is None else str(self.value)


def part_of(part: Cell, whole: Cell) -> Cell:
    """`part` as published beside the `whole` it belongs to (the families who had feedback in time
    among those due it): never more than the whole, and hidden when the whole is, as a part of a
    small whole is small. A function of the two cells alone, so the same on every page."""
    if part.hidden or whole.hidden:
        return Cell(part.n, part.key, None)
    return Cell(part.n, part.key, min(part.value, whole.value))


def difference(whole: Cell, part: Cell) -> Cell:
    """What the whole's other members add up to, from the published figures (hidden when either
    is): anyone could subtract them, so it tells nothing new."""
    n = whole.n - part.n
    if whole.hidden or part.hidden:
        return Cell.from_figures(n, None)
    return Cell.from_figures(n, whole.value - part.value)


def perturbed_sum(total: int, count: int, key_sum: int) -> int:
    """A sum of scores as published: moved by up to MAX_ADJUSTMENT top scores."""
    return total + TOP_SCORE * adjustment(count, key_sum + SUM_KEY_SHIFT)
