"""Disclosure control by the cell key method (ABS TableBuilder, ONS Census 2021): every published
count is adjusted by a small amount fixed by the records behind it, and small results are hidden.

Every case and every child carries a random record key from 0 to 255, fixed when it is created
(`cases.models.record_key_field`). The summary keeps, beside each count, the sum of its records'
keys; a cell's key is that sum modulo 256. The perturbation table below maps (count, cell key) to
an adjustment from -5 to +5: 0, ±1 and ±2 for most keys, ±5 for one key each (standard deviation
about 2). So:

- the same cell (the same records) gets the same published value on every page, level, period
  and format, however it is asked for: asking again, or another way, gives nothing new;
- a published figure is never the sum of other published figures, so no subtraction (level
  against level, a quarter against its months) gives an exact count: each figure carries its own
  independent error;
- a result below k (`HLT_STATS_MIN_COUNT`, 5) is shown as "<k", and a true count from 1 to k - 1 is
  never shown exactly: it is hidden, or shown as a number it may differ from by up to 5;
- a zero is shown as "<k" too. Were zeros exact, every "<k" would say "at least one", and a total
  whose members are all ones would pin them all down whenever its own adjustment is the most
  negative one; with zeros hidden and the extremes rare, pinning a count down takes several rare
  adjustments at once (tests/test_dashboard_attack.py plays it).

Rates, differences and means are worked out from the published figures (`derived`), so no page
contradicts another. The method needs no secondary suppression: that repaired exact totals, and no
total is exact any more. The tests check the SQL's key sums against a plain-Python reference and
play the attacker (tests/test_dashboard_attack.py).
"""

from dataclasses import dataclass

KEY_RANGE = 256
# How many of the 256 cell keys give each adjustment: symmetric, so a large figure is right on
# average, with the extremes rare, so an attacker's bounds are seldom tight.
DISTRIBUTION = ((0, 50), (-1, 36), (1, 36), (-2, 34), (2, 34), (-3, 24), (3, 24), (-4, 8), (4, 8), (-5, 1), (5, 1))
# The perturbation table: the adjustment of a count of 1 or more whose cell key is `key`.
ADJUSTMENTS = tuple(value for value, keys in DISTRIBUTION for _key in range(keys))
MAX_ADJUSTMENT = max(ADJUSTMENTS)
# The families' scores are 1-5: a sum of scores moves by up to 5 top scores, and by another draw
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
    return ADJUSTMENTS[cell_key(key_sum)]


def published(n: int, key_sum: int, k: int) -> int | None:
    """The figure shown for a count `n` (None: hidden, shown as "<k", zero included)."""
    value = n + adjustment(n, key_sum)
    return value if value >= k else None


@dataclass
class Cell:
    """A count as the dashboards publish it: `n` is the true count and never leaves the server
    except through `value`, the perturbed figure (None when hidden)."""

    n: int
    key: int = 0  # the sum of the records' keys
    value: int | None = None
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


def difference(whole: Cell, part: Cell, k: int) -> Cell:
    """What the whole's other members add up to, from the published figures: anyone could
    subtract them, so it tells nothing new. Below k it is shown as "<k" like every figure, hidden
    with either of the two."""
    n = whole.n - part.n
    if whole.hidden or part.hidden or whole.value - part.value < k:
        return Cell.from_figures(n, None)
    return Cell.from_figures(n, whole.value - part.value)


def perturbed_sum(total: int, count: int, key_sum: int) -> int:
    """A sum of scores as published: moved by up to MAX_ADJUSTMENT top scores."""
    return total + TOP_SCORE * adjustment(count, key_sum + SUM_KEY_SHIFT)
