"""The case journey in a real browser, every page checked with axe-core.

A team member starts a case, registers two guardians, downloads the consent form, records both
consents, and the case shows as ready for a meeting; after one guardian withdraws, a colleague on
the team can no longer open it.

Selectors go by `name`, `value` and `href`, which do not change with a translation; where text must
match, a regex accepts the Swedish or the English wording.
"""

import io
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from pypdf import PdfReader

from cases.models import Adult, Case
from tests.browser.conftest import check_a11y, login, submit
from tests.factories import TEST_TOTP_SECRET

pytestmark = pytest.mark.django_db(transaction=True)

CHILD_NUMBER = "20150314-9831"  # Skatteverket's test series
AWAITING_CONSENT = re.compile(r"Väntar på samtycke|Awaiting consent")
READY = re.compile(r"Klar för möte|Ready for a meeting")
NOT_IN_FORCE = re.compile(r"Samtycket gäller inte|The consent is not in force")
WITHDRAWN = re.compile("har återkallats eller har gått ut|has been withdrawn or has expired")
NOT_FOUND = re.compile(r"Sidan finns inte|Page not found")


HOME = re.compile(r"^https?://[^/]+/$")


def log_in(page, user, *, again: bool = False) -> None:
    """Log in and wait for the start page (`**/` would match the code page too).

    Allauth refuses a TOTP code the user has already used, so logging in `again` within the same
    30 seconds takes the next period's code; the test must set `MFA_TOTP_TOLERANCE = 1`."""
    code = format_hotp_value(hotp_value(TEST_TOTP_SECRET, int(time.time()) // 30 + 1)) if again else None
    login(page, user, code=code)
    page.wait_for_url(HOME)


def log_out(page) -> None:
    page.locator("form[action$='/logout/'] button[type=submit]").click()
    page.locator("form[action$='/logout/']").wait_for(state="detached")


def status_badge(page):
    return page.locator("main span.badge[class*='status-']")


def add_guardian(page, *, first_name: str, last_name: str, relation: str) -> None:
    page.locator('a[href$="/vuxna/ny/"]').click()
    page.wait_for_url("**/vuxna/ny/")
    check_a11y(page)
    page.fill("input[name=first_name]", first_name)
    page.fill("input[name=last_name]", last_name)
    page.select_option("select[name=relation]", relation)
    page.check("input[name=is_guardian]")
    page.fill("input[name=street_address]", "Storgatan 1")
    page.fill("input[name=postal_code]", "903 25")
    page.fill("input[name=city]", "Umeå")
    submit(page)
    page.wait_for_url(re.compile(r"/arenden/[0-9a-f-]{36}/$"))


def record_consent(page, adult: Adult, *, check: bool = False) -> None:
    page.locator('a[href$="/samtycke/nytt/"]').click()
    page.wait_for_url("**/samtycke/nytt/")
    if check:
        check_a11y(page)
    page.check(f"input[name=giver][value='{adult.pk}']")
    page.check("input[name=method][value=paper]")  # parties, categories and dates keep their defaults
    submit(page)
    page.wait_for_url(re.compile(r"/arenden/[0-9a-f-]{36}/$"))


def test_a_case_goes_from_start_to_ready_and_a_withdrawal_hides_it_from_the_team(
    page, member, colleague, team, area_units, private_dir, settings
):
    settings.MFA_TOTP_TOLERANCE = 1  # see log_in(): member and colleague each log in twice
    # Ny HLT-anmälan: find the child by number.
    log_in(page, member)
    page.locator('nav a[href="/arenden/ny/"]').click()
    page.wait_for_url("**/arenden/ny/")
    check_a11y(page)
    page.fill("input[name=number]", CHILD_NUMBER)
    submit(page)

    # The child is new: register them and start the case.
    page.wait_for_url("**/arenden/ny/uppgifter/")
    check_a11y(page)
    page.fill("input[name=child-first_name]", "Elsa")
    page.fill("input[name=child-last_name]", "Lindqvist")
    page.select_option("select[name=child-school_unit]", str(area_units["school"].pk))
    page.select_option("select[name=child-health_centre]", str(area_units["health_centre"].pk))
    page.select_option("select[name=team]", str(team.pk))
    page.select_option("select[name=initiator_unit]", str(area_units["home_unit"].pk))
    page.check("input[name=reasons][value=learning]")
    page.fill("textarea[name=reason_description]", "Oro för närvaron i skolan.")
    submit(page)

    page.wait_for_url(re.compile(r"/arenden/[0-9a-f-]{36}/$"))
    case = Case.objects.get(child__identity_number="201503149831")
    case_url = f"/arenden/{case.pk}/"
    assert page.url.endswith(case_url)
    assert case.is_eligible
    page.locator("h1", has_text="Elsa Lindqvist").wait_for()
    assert AWAITING_CONSENT.search(status_badge(page).inner_text())
    assert NOT_IN_FORCE.search(page.locator("main .alert-warning").inner_text())
    check_a11y(page)

    # Two guardians.
    add_guardian(page, first_name="Anna", last_name="Lindqvist", relation="mother")
    add_guardian(page, first_name="Bertil", last_name="Lindqvist", relation="father")
    anna, bertil = (case.adults.get(first_name=name) for name in ("Anna", "Bertil"))
    assert anna.is_guardian and bertil.is_guardian
    assert AWAITING_CONSENT.search(status_badge(page).inner_text())

    # The pre-filled consent form for Anna.
    with page.expect_download() as download_info:
        page.locator(f'a[href$="/vuxna/{anna.pk}/samtyckesblankett.pdf"]').click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(pdf)).pages)
    assert "Elsa Lindqvist" in text and "Anna Lindqvist" in text

    # Both consents, on the signed paper form; the case is then ready for a meeting.
    record_consent(page, anna, check=True)
    assert AWAITING_CONSENT.search(status_badge(page).inner_text())
    record_consent(page, bertil)
    assert READY.search(status_badge(page).inner_text())
    assert page.locator("main .alert-warning").count() == 0
    check_a11y(page)

    # The colleague sees the case now.
    log_out(page)
    log_in(page, colleague)
    page.goto("/arenden/")
    case_link = page.locator(f'main a[href="{case_url}"]')
    assert case_link.inner_text() == "Elsa Lindqvist"
    check_a11y(page)
    case_link.click()
    page.wait_for_url(f"**{case_url}")
    assert READY.search(status_badge(page).inner_text())
    check_a11y(page)

    # Anna withdraws her consent, orally.
    log_out(page)
    log_in(page, member, again=True)
    page.goto(case_url)
    withdraw = page.locator("main tr", has_text="Anna Lindqvist").locator('a[href$="/aterkalla/"]')
    withdraw.click()
    page.wait_for_url("**/aterkalla/")
    check_a11y(page)
    page.check("input[name=method][value=oral]")
    submit(page)
    page.wait_for_url(f"**{case_url}")  # the initiator still sees what winding the case up needs
    assert AWAITING_CONSENT.search(status_badge(page).inner_text())
    assert WITHDRAWN.search(page.locator("main .alert-warning").inner_text())
    assert "Storgatan" not in page.locator("main").inner_text()  # the guardians' addresses are not shown
    check_a11y(page)

    # The colleague has lost it.
    log_out(page)
    log_in(page, colleague, again=True)
    response = page.goto(case_url)
    assert response.status == 404
    page.get_by_role("heading", name=NOT_FOUND).wait_for()
    assert "Elsa" not in page.content()
    check_a11y(page)
    page.goto("/arenden/")
    assert page.locator(f'main a[href="{case_url}"]').count() == 0
    assert "Elsa Lindqvist" not in page.locator("main").inner_text()
    check_a11y(page)


def test_a_wrong_check_digit_is_shown_at_the_field(page, member, team):
    log_in(page, member)
    page.goto("/arenden/ny/")
    page.fill("input[name=number]", "811218-9875")
    submit(page)

    field = page.locator("input[name=number]")
    field.and_(page.locator(".is-invalid, [aria-invalid=true]")).wait_for()
    assert page.url.endswith("/arenden/ny/")
    invalid = field.get_attribute("aria-invalid") == "true" or "is-invalid" in (field.get_attribute("class") or "")
    assert invalid
    described = (field.get_attribute("aria-describedby") or "").split()
    error_ids = [id_ for id_ in described if page.locator(f"#{id_}.invalid-feedback").count()]
    assert error_ids, f"the error is not tied to the field: aria-describedby={described}"
    error = page.locator(f"#{error_ids[0]}")
    assert error.is_visible()
    assert re.search(r"kontrollsiffr|check digit", error.inner_text(), re.IGNORECASE)
    check_a11y(page)
