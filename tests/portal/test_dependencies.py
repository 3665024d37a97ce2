"""Dependency hygiene (README "Dependencies and checks"): what a fresh machine installs is exactly what was pinned.

requirements/*.txt are compiled from the .in files with every package pinned and hashed, base and dev pin the
same versions, and every install (make, the image) refuses a package whose hash differs.
"""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})+)$")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(name: str) -> dict[str, str]:
    """Package -> version of one compiled file; fails on any requirement that is not pinned with hashes."""
    text = (REQUIREMENTS / name).read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        found = PIN.match(line)
        assert found, f"{name}: not pinned with a hash: {line[:80]}"
        pins[_canonical(found[1])] = found[2]
    return pins


def _direct(name: str) -> set[str]:
    lines = (REQUIREMENTS / name).read_text().splitlines()
    return {_canonical(re.split(r"[\[=<>~ ]", line)[0]) for line in lines if line and line[0].isalnum()}


@pytest.mark.parametrize("compiled", ["base.txt", "dev.txt"])
def test_it_pins_every_package_with_its_hashes(compiled):
    assert len(_pins(compiled)) > 40


def test_it_pins_the_same_versions_for_the_portal_and_the_tools():
    base, dev = _pins("base.txt"), _pins("dev.txt")
    assert {name: dev.get(name) for name in base} == base


@pytest.mark.parametrize(("source", "compiled"), [("base.in", "base.txt"), ("dev.in", "dev.txt")])
def test_it_compiles_every_direct_dependency(source, compiled):
    assert _direct(source) - set(_pins(compiled)) == set()


def test_it_installs_only_what_the_hashes_allow():
    installs = [
        line for line in (ROOT / "Makefile").read_text().splitlines() if "pip install" in line and "-r " in line
    ]
    installs += [line for line in (ROOT / "Dockerfile").read_text().splitlines() if "pip install" in line]
    assert len(installs) == 3
    assert all("--require-hashes" in line for line in installs)


def test_it_checks_types_of_the_services_and_selectors_in_lint_and_pre_commit():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert {"*/services.py", "*/services/*.py", "*/selectors.py"} <= set(config["files"])
    assert "mypy_django_plugin.main" in config["plugins"]
    hooks = [
        hook["id"]
        for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
        for hook in repo["hooks"]
    ]
    assert hooks == ["ruff", "ruff-format", "import-linter", "mypy"]
    assert "\t$(BIN)/mypy" in (ROOT / "Makefile").read_text()


def test_it_is_licensed_under_the_eupl_and_says_how_to_report_a_vulnerability():
    assert (ROOT / "LICENSE").read_text().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\n")
    assert "Reporting a vulnerability" in (ROOT / "SECURITY.md").read_text()
    assert "## Wave 1" in (ROOT / "CHANGELOG.md").read_text()
