"""The Content-Security-Policy in a real browser: no page a persona reaches breaks it, and the
pages' scripts still work under it.

Chromium reports a blocked script, style, image or form twice: as a console error and as a
`securitypolicyviolation` event. The `violations` fixture collects both for the whole test, with
the page each came from; every test ends by asserting that it stayed empty. The first test shows
that a violation is in fact caught.

The member, the coordinator and the process leader walk every page of ours that tests/portal/test_urls.py
says opens for them (200), on the same objects; files (PDF, calendar, CSV) are left out, since a
browser downloads rather than renders them.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

from hlt.content_policy import content_security_policy
from meetings.models import InterventionType
from tests.browser import test_dashboard_journey
from tests.browser.conftest import login, submit
from tests.browser.test_case_journey import log_in
from tests.factories import TEST_PASSWORD, MeetingFactory
from tests.portal import test_urls
from tests.portal.test_urls import EXPECTED

pytestmark = pytest.mark.django_db(transaction=True)

# The objects tests/portal/test_urls.py walks; the dashboard journey's figures, so that charts have bars.
targets = test_urls.targets
figures = test_dashboard_journey.figures

DOWNLOADS = {
    "consent:form_pdf",
    "consent:document",
    "meetings:ics",
    "meetings:letter",
    "sip:pdf",
    "sip:invitation",
    "dashboards:export",
}
ACCOUNT_PAGES = [
    "/konto/2fa/",
    "/konto/2fa/recovery-codes/",
    "/konto/password/change/",
    "/konto/sessions/",
    "/konto/logout/",
]
LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`securitypolicyviolation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
STAND_IN_IDP = "Stand-in identity provider"


@pytest.fixture(autouse=True)
def _intervention_type(transactional_db):
    """`targets` plans an intervention of the seeded catalogue's first type, which an earlier
    transactional test's flush has emptied."""
    InterventionType.objects.get_or_create(name="Familjesamtal")


@pytest.fixture
def violations(page):
    found = []
    page.add_init_script(LISTENER)

    def on_console(message):
        if "Content Security Policy" in message.text or "securitypolicyviolation" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return found


def pages_for(persona: str, objects) -> list[str]:
    """Our pages that open (200) for `persona` on `objects`, as tests/portal/test_urls.py expects them."""
    return [
        build(objects)
        for name, (build, statuses) in EXPECTED.items()
        if statuses[persona] == 200 and name not in DOWNLOADS
    ]


def walk(page, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path


def test_it_catches_an_inline_script_the_policy_blocks(page, violations, member):
    log_in(page, member)

    page.evaluate("document.body.append(Object.assign(document.createElement('script'), {textContent: '1'}))")

    page.wait_for_timeout(200)
    assert any("script-src" in violation for violation in violations), violations


def test_it_shows_a_member_every_page_they_reach_without_a_violation(page, violations, member, targets):
    assert set(DOWNLOADS) <= set(EXPECTED)
    RecoveryCodes.activate(member)  # so that their page (allauth's own scripts) opens
    log_in(page, member)

    walk(page, pages_for("member", targets) + ACCOUNT_PAGES)

    assert violations == [], "\n".join(violations)


def test_it_shows_a_coordinator_every_page_they_reach_without_a_violation(page, violations, coordinator, targets):
    log_in(page, coordinator)

    walk(page, pages_for("coordinator", targets))

    assert violations == [], "\n".join(violations)


def test_it_shows_a_process_leader_every_page_they_reach_without_a_violation(page, violations, process_leader, targets):
    log_in(page, process_leader)

    walk(page, pages_for("process_leader", targets))

    assert violations == [], "\n".join(violations)


def test_it_draws_the_dashboard_charts_without_a_violation(page, violations, process_leader, team, figures):
    # Given a municipality whose teams discussed enough cases for the figures to be shown
    log_in(page, process_leader)

    # When the process leader opens its dashboard and a team's
    walk(page, [f"/statistik/kommun/{team.area.municipality_id}/", f"/statistik/team/{team.pk}/"])

    # Then the charts have their bars, their text alternative and the stylesheet's width limit
    chart = page.locator("main svg.hlt-chart-svg").first
    assert chart.locator("rect.hlt-chart-bar").count() > 0
    assert chart.get_attribute("role") == "img" and chart.locator("title").text_content()
    assert chart.bounding_box()["width"] == 640  # app.css caps the full-width chart, no style attribute
    assert violations == [], "\n".join(violations)


def test_it_shows_the_not_found_page_without_a_violation(page, violations, member):
    log_in(page, member)

    assert page.goto("/finns-inte/").status == 404

    assert violations == [], "\n".join(violations)


def test_it_shows_the_authenticator_set_up_with_its_qr_code_without_a_violation(page, violations, no_mfa_user):
    login(page, no_mfa_user, code=False)
    page.wait_for_url("**/konto/reauthenticate/**")
    page.fill("input[name=password]", TEST_PASSWORD)
    submit(page)
    page.wait_for_url("**/konto/2fa/totp/activate/")

    qr_code = page.locator("main form img")
    assert qr_code.bounding_box()["width"] > 100  # drawn, and large enough to scan
    assert violations == [], "\n".join(violations)


def test_it_runs_the_idle_warning_and_its_keep_alive_under_the_policy(page, violations, member, settings):
    settings.HLT_SESSION_IDLE_MINUTES = 1
    settings.HLT_SESSION_WARNING_SECONDS = 58  # the warning opens two seconds after the page loads
    log_in(page, member)

    page.get_by_role("alertdialog").wait_for(state="visible", timeout=6_000)
    with page.expect_response("**/session/keepalive/") as keepalive:
        page.get_by_role("button", name="Förbli inloggad").click()

    assert keepalive.value.status == 200
    page.get_by_role("alertdialog").wait_for(state="hidden")
    assert violations == [], "\n".join(violations)


def test_it_shows_django_admin_without_a_violation_and_its_scripts_run(page, violations, admin_user, team):
    # Given an administrator signed in through the portal's login
    meeting = MeetingFactory(team=team)
    log_in(page, admin_user)

    # When they open lists (with filters, actions, dates) and change forms (inlines, autocomplete,
    # a two-box selector, date and time widgets)
    walk(
        page,
        [
            "/admin/",
            "/admin/accounts/user/",
            f"/admin/accounts/user/{admin_user.pk}/change/",
            "/admin/access/accesslogentry/",
            "/admin/meetings/meeting/",
            f"/admin/meetings/meeting/{meeting.pk}/change/",
            f"/admin/teams/area/{team.area.pk}/change/",
            f"/admin/teams/team/{team.pk}/change/",
            "/admin/meetings/meetingschedule/add/",
        ],
    )

    # Then admin's own scripts work: the theme switch, and the team field's autocomplete
    theme = page.evaluate("document.documentElement.dataset.theme || 'auto'")
    page.locator("button.theme-toggle").first.click()
    assert page.evaluate("document.documentElement.dataset.theme") != theme
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill(team.name[:6])
    page.locator(".select2-results__option", has_text=team.name).wait_for()  # fetched from admin
    assert violations == [], "\n".join(violations)


class _StandInIdP(BaseHTTPRequestHandler):
    """The two things the login needs from an identity provider: its discovery document, read by
    the portal, and an authorization page, which the browser is sent to."""

    def do_GET(self):
        base = f"http://{self.headers['Host']}"
        if self.path.startswith("/.well-known/openid-configuration"):
            body, kind = (
                json.dumps(
                    {
                        "issuer": base,
                        "authorization_endpoint": f"{base}/authorize",
                        "token_endpoint": f"{base}/token",
                        "userinfo_endpoint": f"{base}/userinfo",
                        "jwks_uri": f"{base}/jwks",
                    }
                ),
                "application/json",
            )
        else:
            body, kind = f"<!DOCTYPE html><title>{STAND_IN_IDP}</title><h1>{STAND_IN_IDP}</h1>", "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def identity_provider(settings):
    """A stand-in IdP on the loopback address, configured as the portal's SITHS login."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandInIdP)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_port}"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "siths",
                    "name": "SITHS eID",
                    "client_id": "hlt",
                    "secret": "stand-in",
                    "settings": {"server_url": origin},
                }
            ],
        }
    }
    settings.CONTENT_SECURITY_POLICY = content_security_policy(form_action_origins=[origin])
    yield origin
    server.shutdown()
    server.server_close()


def start_siths_login(page) -> None:
    page.goto("/konto/login/")
    page.get_by_role("link", name="SITHS eID").click()
    page.wait_for_url("**/konto/oidc/siths/login/**")
    submit(page)


def test_it_sends_the_siths_login_on_to_the_identity_provider(page, violations, identity_provider):
    start_siths_login(page)

    page.wait_for_url(f"{identity_provider}/authorize?**")
    assert page.locator("h1").inner_text() == STAND_IN_IDP
    assert violations == [], "\n".join(violations)


def test_it_stops_the_siths_login_at_the_portal_without_the_providers_origin_in_form_action(
    page, violations, identity_provider, settings
):
    # Given a policy that names only the portal in form-action
    settings.CONTENT_SECURITY_POLICY = content_security_policy(form_action_origins=[])

    # When the user presses the login button, the browser refuses the redirect to the IdP
    start_siths_login(page)

    page.wait_for_timeout(1_000)
    assert not page.url.startswith(identity_provider)
    assert any("form-action" in violation for violation in violations), violations
