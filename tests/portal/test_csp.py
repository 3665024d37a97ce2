"""The Content-Security-Policy header: on every kind of page, and with nothing inline allowed.

The browser side (no violation on any page a persona reaches) is tests/browser/test_csp.py.
"""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# Rendered by WeasyPrint on the server, never by a browser: inline style is what they are made of.
PDF_TEMPLATES = {"pdf", "sip/sip_pdf.html", "sip/invitation_pdf.html", "consent/consent_form_pdf.html"}
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE),
    re.compile(r"<style\b", re.IGNORECASE),
    re.compile(r"\sstyle=", re.IGNORECASE),
    re.compile(r"\son[a-z]+=", re.IGNORECASE),
    re.compile(r"javascript:", re.IGNORECASE),
]


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def _is_pdf_template(path: Path) -> bool:
    relative = path.relative_to(ROOT / "templates").as_posix()
    return relative.endswith("_pdf.html") or any(
        relative == name or relative.startswith(f"{name}/") for name in PDF_TEMPLATES
    )


def test_it_sends_the_policy_on_the_login_page(client):
    response = client.get("/konto/login/")

    assert _directives(response) == EXPECTED


def test_it_sends_the_policy_on_a_case_page(client, member, case):
    client.force_login(member)

    response = client.get(f"/arenden/{case.pk}/")

    assert response.status_code == 200
    assert _directives(response) == EXPECTED


def test_it_sends_the_policy_on_a_dashboard(client, process_leader, team):
    client.force_login(process_leader)

    response = client.get(f"/statistik/team/{team.pk}/")

    assert response.status_code == 200
    assert _directives(response) == EXPECTED


def test_it_sends_the_policy_on_django_admin(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert _directives(response) == EXPECTED


def test_it_sends_the_policy_on_the_not_found_page(client, member):
    client.force_login(member)

    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert _directives(response) == EXPECTED


def test_it_allows_no_inline_script_style_or_eval(client):
    header = client.get("/konto/login/")["Content-Security-Policy"]

    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:"):
        assert unsafe not in header.split()


def test_it_keeps_inline_script_style_and_handlers_out_of_the_browser_templates():
    # Given every template a browser renders (the PDF ones go to WeasyPrint)
    templates = [path for path in (ROOT / "templates").rglob("*.html") if not _is_pdf_template(path)]

    # Then none holds what the policy would block
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in templates
        for pattern in INLINE
        for match in pattern.finditer(path.read_text())
    ]
    assert len(templates) > 40
    assert found == []
