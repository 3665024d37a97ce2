"""The attacker of tests/dashboards/test_dashboard_attack.py: what a user can work out from published figures.

A *figure* is a published value (a number or "<5") over a set of the finest cells (team, month,
category). The attacker knows the method and its table (dashboards.perturbation): a number v was a
true count from v - 5 to v + 5 (and at least 1: a zero is never a number), "<5" a true count from
0 to 4 + 5. Two attacks:

- `determined`: integer linear programming over every figure at once (CBC through PuLP): the
  largest and smallest true value a target can have given all the published figures. A target
  whose largest and smallest agree is determined.
- `estimate`: the mean of every available difference (a figure containing the target, minus
  published figures that exactly cover the rest of it), with the target's own figure when it is a
  number, rounded and kept within its bounds: how often this is right measures averaging.
"""

from collections.abc import Hashable

import pulp

from dashboards.perturbation import MAX_ADJUSTMENT

K = 5
Cells = frozenset


def bounds(shown: str, k: int = K) -> tuple[int, int | None]:
    """The true counts a published text allows (None: no upper bound)."""
    if shown == f"<{k}":
        return 0, k - 1 + MAX_ADJUSTMENT
    value = int(shown)
    return max(1, value - MAX_ADJUSTMENT), value + MAX_ADJUSTMENT


def determined(figures: dict[Cells, str], targets: dict[Cells, int]) -> list[Cells]:
    """The targets whose true count (`targets`' values) is the only one consistent with every
    figure: integer programming for the greatest and, when that is the truth, the least value."""
    cells = sorted({cell for members in figures for cell in members}, key=repr)
    x = {cell: pulp.LpVariable(f"x{position}", lowBound=0, cat="Integer") for position, cell in enumerate(cells)}
    problem = pulp.LpProblem("attack")
    for members, shown in figures.items():
        low, high = bounds(shown)
        total = pulp.lpSum(x[cell] for cell in members)
        problem += total >= low
        if high is not None:
            problem += total <= high

    def extreme(target, sense) -> int:
        problem.sense = sense
        problem.setObjective(pulp.lpSum(x[cell] for cell in target))
        problem.solve(pulp.PULP_CBC_CMD(msg=False))
        assert pulp.LpStatus[problem.status] == "Optimal", "the true counts are a solution"
        return round(pulp.value(problem.objective))

    return [
        target
        for target, truth in targets.items()
        if extreme(target, pulp.LpMaximize) == truth and extreme(target, pulp.LpMinimize) == truth
    ]


def _cover(rest: set, numbers: list[tuple[Cells, int]]) -> int | None:
    """The sum of published numbers that exactly cover `rest` (largest first), or None."""
    total, left = 0, set(rest)
    for members, value in numbers:
        if members <= left:
            left -= members
            total += value
            if not left:
                return total
    return None if left else total


def estimate(figures: dict[Cells, str], target: Cells) -> int:
    """The attacker's best guess of a target's true count: every available difference, averaged."""
    numbers = sorted(
        ((members, int(shown)) for members, shown in figures.items() if shown != f"<{K}"),
        key=lambda item: -len(item[0]),
    )
    guesses = []
    for members, value in numbers:
        if members == target:
            guesses.append(value)
        elif target < members:
            for candidates in (numbers, numbers[::-1]):  # two ways to cover: coarse and fine figures
                covered = _cover(members - target, candidates)
                if covered is not None:
                    guesses.append(value - covered)
    low, high = bounds(figures[target]) if target in figures else (0, None)
    if not guesses:
        return low if high is None else round((low + high) / 2)
    guess = round(sum(guesses) / len(guesses))
    return max(low, guess if high is None else min(guess, high))


def hits(figures: dict[Cells, str], truths: dict[Hashable, int]) -> tuple[int, int]:
    """How many of the small targets (true count 1-4) the averaging attacker gets right, of how many."""
    small = [target for target, n in truths.items() if 1 <= n < K]
    return sum(1 for target in small if estimate(figures, target) == truths[target]), len(small)
