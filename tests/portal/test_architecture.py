"""The layers stay as DEVELOPERS.md draws them, read from the source (no database).

Who coordinates a team is said once (`teams.selectors`) and read by the access rules: a fresh
`filter(role=Role.COORDINATOR)` elsewhere is a copy, and copies drift (one of ours already told
users who could no longer log in). And `access` sits below every app that registers a rule with it.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "tests", "migrations", "node_modules", "staticfiles", "var", ".git"}

# Where a team's coordinators and members may be told apart by their role.
ROLE_FILTERS_ALLOWED = {
    "teams/models.py",  # the Role choices and TeamMembership.is_coordinator
    "teams/selectors.py",  # the one selector: coordinator_memberships, coordinated_teams, is_coordinator
    "teams/access_rules.py",  # the rules registered with access.policy
    "cases/access_rules.py",
    "meetings/access_rules.py",
}

# Everything above `access` in the layers (low to high): access imports none of it.
ABOVE_ACCESS = {"teams", "cases", "consent", "meetings", "support", "sip", "dashboards", "audit", "demo", "scale"}
ABOVE_ACCESS_MODULES = {"hlt.urls", "hlt.celery", "hlt.views"}


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not SKIP_DIRS.intersection(relative.parts[:-1]):
            yield relative.as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _names_a_role(node) -> bool:
    """`Role.COORDINATOR`, `Role.MEMBER`, or the stored value "coordinator" / "member"."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "Role":
            return True
        if isinstance(sub, ast.Constant) and sub.value in ("coordinator", "member"):
            return True
    return False


def _is_role_lookup(name: str | None) -> bool:
    return name is not None and (name == "role" or name.startswith("role__") or "__role" in name)


def role_filters(tree) -> list[int]:
    """Lines that tell members by their role: a lookup `role=Role.X` (filter, exclude, Q, ...) or a
    comparison `membership.role == Role.X`."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if any(_is_role_lookup(kw.arg) and _names_a_role(kw.value) for kw in node.keywords):
                lines.append(node.lineno)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Attribute) and s.attr == "role" for s in sides) and _names_a_role(node):
                lines.append(node.lineno)
    return sorted(set(lines))


def imported_modules(tree) -> set[str]:
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_it_finds_a_role_filter_and_a_role_comparison():
    # The scanner itself: the two shapes this issue removed from services and the policy.
    tree = ast.parse(
        "TeamMembership.objects.filter(team_id=1, role=Role.COORDINATOR).exists()\n"
        "ok = membership is not None and membership.role != Role.COORDINATOR\n"
        "Q(memberships__role='coordinator')\n"
        "ParticipantInput(name=name, role=ParticipantRole.CHILD)\n"
    )
    assert role_filters(tree) == [1, 2, 3]


def test_no_role_filter_outside_gate():
    found = [
        f"{path}:{line}" for path, tree in _sources() if path not in ROLE_FILTERS_ALLOWED for line in role_filters(tree)
    ]
    assert found == [], "ask teams.selectors (who is told) or access.policy (who may) instead"


def test_it_keeps_access_below_the_apps_that_register_rules_with_it():
    sources = [(path, tree) for path, tree in _sources() if path.startswith("access/")]
    assert any(path == "access/policy.py" for path, _ in sources)

    found = [
        f"{path}: {module}"
        for path, tree in sources
        for module in sorted(imported_modules(tree))
        if module.split(".")[0] in ABOVE_ACCESS or module in ABOVE_ACCESS_MODULES
    ]

    assert found == [], "apps register their rules in AppConfig.ready(); access imports none of them"
