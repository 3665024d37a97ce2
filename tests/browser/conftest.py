"""Browser journeys: Debian's chromium driven by Playwright, with axe-core on every page.

Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in a
thread with a loop unless told it is safe, which it is here (one thread, no concurrency).
"""

import os
import shutil
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from teams.models import PrincipalType, UnitKind
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, UnitFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
_AXE = Axe()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(locale="sv-SE", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def area_units(team, member):
    """The team's area: a regional health centre, a municipal school and the member's own unit."""
    municipality = team.area.municipality
    health_centre = UnitFactory(
        name="Ålidhems hälsocentral",
        kind=UnitKind.HEALTH_CENTRE,
        principal_type=PrincipalType.REGION,
        municipality=municipality,
    )
    school = UnitFactory(
        name="Ålidhemsskolan",
        kind=UnitKind.SCHOOL,
        principal_type=PrincipalType.MUNICIPALITY,
        municipality=municipality,
    )
    home_unit = member.memberships.get(team=team).home_unit
    team.area.units.add(health_centre, school, home_unit)
    return {"health_centre": health_centre, "school": school, "home_unit": home_unit}


def check_a11y(page) -> None:
    """Fail on any WCAG 2.1 A or AA violation axe-core finds on the current page."""
    results = _AXE.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def totp_now(secret: str = TEST_TOTP_SECRET) -> str:
    # A code typed in the last seconds of its 30-second period can reach the server in the next
    # one, which refuses it (no tolerance by default): wait for the new period instead.
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def submit(page) -> None:
    """Press the main form's first submit button (the header has forms of its own)."""
    page.locator("main form button[type=submit]").first.click()


def login(page, user, *, password: str = TEST_PASSWORD, code: str | None = None) -> None:
    """Log in through the real pages, checking each one with axe."""
    page.goto("/konto/login/")
    check_a11y(page)
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    submit(page)
    if code is not False:
        page.wait_for_url("**/konto/2fa/authenticate/")
        check_a11y(page)
        page.fill("input[name=code]", code or totp_now())
        submit(page)
