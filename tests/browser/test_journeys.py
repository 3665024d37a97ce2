"""The main journeys of the foundation, in a real browser, every page checked with axe-core."""

import pytest

from tests.browser.conftest import check_a11y, login, submit, totp_now
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_logs_a_member_in_with_password_and_code_and_shows_their_team(page, member, colleague, team):
    login(page, member)

    page.wait_for_url("**/")
    assert page.locator("h1").inner_text().startswith("Välkommen")
    assert page.title().endswith("HLT Samverkan")
    assert team.name in page.content()
    assert colleague.full_name in page.content()
    check_a11y(page)


def test_it_switches_the_portal_to_english_and_back(page, member, team):
    login(page, member)
    page.wait_for_url("**/")

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="My HLT teams").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    check_a11y(page)

    page.get_by_role("button", name="Svenska").click()
    page.get_by_role("heading", name="Mina HLT-team").wait_for()


def test_it_makes_a_new_user_set_up_two_factor_before_anything_else(page, no_mfa_user, team):
    login(page, no_mfa_user, code=False)
    page.wait_for_url("**/konto/reauthenticate/**")  # allauth asks for the password again first
    check_a11y(page)
    page.goto("/")
    assert "/konto/" in page.url and team.name not in page.content()

    page.fill("input[name=password]", TEST_PASSWORD)
    submit(page)
    page.wait_for_url("**/konto/2fa/totp/activate/")
    check_a11y(page)
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", totp_now(secret))
    submit(page)

    page.wait_for_url("**/konto/2fa/**")
    check_a11y(page)
    page.goto("/")
    page.get_by_role("heading", name="Mina HLT-team").wait_for()
    check_a11y(page)


def test_it_refuses_a_wrong_password_in_swedish(page, member):
    login(page, member, password="fel-lösenord", code=False)
    page.get_by_text("Epost-adressen och/eller lösenordet är felaktigt.").wait_for()
    check_a11y(page)


def test_it_refuses_a_wrong_code_in_swedish_and_stays_on_the_code_step(page, member):
    wrong = "000000" if totp_now() != "000000" else "111111"
    login(page, member, code=wrong)
    page.get_by_text("Felaktig kod.").wait_for()
    assert page.url.endswith("/konto/2fa/authenticate/")
    check_a11y(page)


def test_it_shows_a_member_the_team_page_and_an_outsider_the_404_page(page, member, outsider, team):
    login(page, member)
    page.wait_for_url("**/")
    page.get_by_role("link", name=team.name).click()
    page.get_by_role("heading", name="Medlemmar").wait_for()
    assert member.email in page.content()
    check_a11y(page)

    page.get_by_role("button", name="Logga ut").click()
    login(page, outsider)
    page.wait_for_url("**/")
    response = page.goto(f"/team/{team.pk}/")
    assert response.status == 404
    page.get_by_role("heading", name="Sidan finns inte").wait_for()
    check_a11y(page)


def test_it_warns_before_the_idle_logout_and_lets_the_user_stay(page, member, team, settings):
    settings.HLT_SESSION_IDLE_MINUTES = 1
    settings.HLT_SESSION_WARNING_SECONDS = 58  # the warning opens two seconds after the page loads
    login(page, member)
    page.wait_for_url("**/")

    dialog = page.get_by_role("alertdialog")
    dialog.wait_for(state="visible", timeout=6_000)
    stay = page.get_by_role("button", name="Förbli inloggad")
    assert stay.evaluate("button => document.activeElement === button")
    check_a11y(page)

    stay.click()
    dialog.wait_for(state="hidden")
    page.reload()
    page.get_by_role("heading", name="Mina HLT-team").wait_for()


def test_it_ends_the_session_on_logout(page, member, team):
    login(page, member)
    page.wait_for_url("**/")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/")
    page.goto(f"/team/{team.pk}/")
    assert "/konto/login/" in page.url
    page.go_back()
    assert team.name not in page.locator("main").inner_text()


def test_it_links_the_accessibility_statement_from_the_login_page(page):
    page.goto("/konto/login/")
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    page.get_by_role("heading", name="Tillgänglighetsredogörelse").wait_for()
    assert "digg.se/tdosanmalan" in page.content()
    check_a11y(page)


def test_it_takes_an_administrator_to_admin_through_the_portal_login(page, admin_user):
    page.goto("/admin/")
    page.wait_for_url("**/konto/login/**")
    check_a11y(page)
    page.fill("input[name=login]", admin_user.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    submit(page)
    page.wait_for_url("**/konto/2fa/authenticate/**")
    page.fill("input[name=code]", totp_now())
    submit(page)
    # Django admin's own pages are not our templates; axe runs on the portal pages only.
    page.wait_for_url("**/admin/")
    assert "HLT Samverkan" in page.title()
