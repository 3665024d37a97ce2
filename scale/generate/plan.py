"""The country's shape, planned in Python: regions, municipalities of Zipf-like size, one HLT team per area.

Only a few thousand rows are planned here; the database makes every other row from them.
"""

import datetime
import random
from dataclasses import dataclass

ISSUER = "SCALE"
USER_DOMAIN = "scale.invalid"
REGIONS = 21
MUNICIPALITIES = 290
LARGEST_MUNICIPALITY_SHARE = 0.05
CAPITAL_REGION_SHARE = 0.22  # the largest municipality's region, as Stockholm's
CHILDREN_PER_TEAM = 500
MAX_TEAMS = 2000
CASES_PER_CHILD = 1.5
MIN_CHILDREN = 1000  # fewer would leave the smallest municipalities without children
MEETING_MONTHS_AHEAD = 6  # as HLT_MEETING_MONTHS_AHEAD
FIRST_NAMES = ["Alva", "Elsa", "Maja", "Alice", "Wilma", "Saga", "Astrid", "Noah", "Hugo", "Liam", "Elias", "Nils"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Berg"]
UNIT_KINDS = [  # each area's units: (name, kind, sector, principal)
    ("Vårdcentral", "health_centre", "health", "region"),
    ("Förskola", "preschool", "learning", "municipality"),
    ("Skola", "school", "learning", "municipality"),
    ("Socialtjänst", "social_services", "safety", "municipality"),
]


@dataclass
class TeamPlan:
    id: int
    municipality: int
    region: int
    name: str
    area_name: str
    children: int
    cases: int = 0


@dataclass
class Plan:
    regions: list[tuple[int, str, str]]  # id, name, code
    municipalities: list[tuple[int, int, str, str, int]]  # id, region, name, code, children
    teams: list[TeamPlan]


def apportion(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, in whole numbers that add up (largest remainder)."""
    exact = [weight * total / sum(weights) for weight in weights]
    counts = [int(share) for share in exact]
    by_remainder = sorted(range(len(exact)), key=lambda index: exact[index] - counts[index], reverse=True)
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def zipf_weights(count: int, largest_share: float) -> list[float]:
    """Weights 1/rank^s, with s such that the first holds `largest_share` of the sum."""
    low, high = 0.0, 3.0
    for _ in range(60):
        exponent = (low + high) / 2
        weights = [rank**-exponent for rank in range(1, count + 1)]
        low, high = (exponent, high) if 1 / sum(weights) < largest_share else (low, exponent)
    return weights


def plan_country(children: int, seed: int) -> Plan:
    """Regions of consecutive municipalities (the first, with the largest, holds about 22 % of the
    children), municipalities of Zipf-like size, and areas (one team each) in proportion to size."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, repeatable by design
    ranked = zipf_weights(MUNICIPALITIES, LARGEST_MUNICIPALITY_SHARE)
    sizes = [ranked[0], *rng.sample(ranked[1:], MUNICIPALITIES - 1)]
    capital, held = 0, 0.0
    while held < CAPITAL_REGION_SHARE * sum(sizes):
        held += sizes[capital]
        capital += 1
    bounds = [0, capital, *sorted(rng.sample(range(capital + 1, MUNICIPALITIES), REGIONS - 2)), MUNICIPALITIES]
    child_counts = apportion(children, sizes)
    area_counts = apportion(min(MAX_TEAMS, max(MUNICIPALITIES, round(children / CHILDREN_PER_TEAM))), sizes)

    regions, municipalities, teams = [], [], []
    for region_index in range(REGIONS):
        region_code = f"{region_index + 1:02d}"
        regions.append((region_index + 1, f"Skalregion {region_code}", region_code))
        for number, index in enumerate(range(bounds[region_index], bounds[region_index + 1]), start=1):
            code = f"{region_code}{number:02d}"
            municipalities.append((index + 1, region_index + 1, f"Skalkommun {code}", code, child_counts[index]))
            spread = [rng.uniform(0.6, 1.4) for _ in range(max(1, area_counts[index]))]
            for area, area_children in enumerate(apportion(child_counts[index], spread), start=1):
                teams.append(
                    TeamPlan(
                        id=len(teams) + 1,
                        municipality=index + 1,
                        region=region_index + 1,
                        name=f"HLT {code}-{area:03d}",
                        area_name=f"Område {code}-{area:03d}",
                        children=area_children,
                    )
                )
    case_counts = apportion(round(children * CASES_PER_CHILD), [team.children for team in teams])
    for team, cases in zip(teams, case_counts, strict=True):
        team.cases = cases
    return Plan(regions, municipalities, teams)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def months_after(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)
