"""Disclosure control for dashboard tables: small counts hidden, and enough others hidden with them
that no total reveals them.

A cell is a count with the number of protected children behind it (an upper bound). A *line* is
an additive relation: its members add up to its total (the months of a period, the municipalities
of a region, the age bands of the cases started). Primary suppression hides a count from 1 to k-1,
and a count made up of protected children and fewer than k others, so a protected child never forms
a cell alone. Secondary suppression then makes sure no line has exactly one hidden entry, which its
total would give away: it hides the line's smallest non-zero member (a total only when no member is
left), and repeats until every line is safe. Cells shared by several tables are one cell here, so
a value hidden in one table is hidden in all of them.
"""

from collections.abc import Hashable
from dataclasses import dataclass

PRIMARY = "primary"
SECONDARY = "secondary"


@dataclass
class Cell:
    n: int
    protected: int = 0
    hidden: str = ""

    def display(self, k: int) -> str:
        if self.hidden == PRIMARY:
            return f"<{k}"
        if self.hidden == SECONDARY:
            return "x"
        return str(self.n)


def needs_primary(n: int, protected: int, k: int) -> bool:
    return n > 0 and (n < k or (protected > 0 and n - protected < k))


def suppress(cells: dict[Hashable, Cell], lines: list[tuple[list[Hashable], Hashable]], k: int) -> None:
    """Mark the cells to hide, in place."""
    for cell in cells.values():
        if needs_primary(cell.n, cell.protected, k):
            cell.hidden = PRIMARY
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            entries = [*members, total]
            if sum(1 for key in entries if cells[key].hidden) != 1:
                continue
            open_members = [key for key in members if not cells[key].hidden]
            candidates = open_members or ([total] if not cells[total].hidden else [])
            if not candidates:
                continue
            # The smallest count hides the least information; a zero protects nothing unless it must.
            pick = min(candidates, key=lambda key: (cells[key].n == 0, cells[key].n))
            cells[pick].hidden = SECONDARY
            changed = True
