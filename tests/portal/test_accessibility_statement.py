"""The accessibility statement has every part DIGG's regulations require, and what differs between
deployments (who runs it, where to report, when it was assessed, the session limits) comes from settings.
Read as anyone can, without logging in."""

import datetime
import re

import pytest
from django.utils.formats import date_format
from django.utils.html import strip_tags

from hlt.views import STATEMENT_UPDATED_ON

pytestmark = pytest.mark.django_db


def _statement(client) -> str:
    response = client.get("/tillganglighet/")
    assert response.status_code == 200
    return " ".join(strip_tags(response.content.decode()).split())


def _headings(client) -> list[str]:
    html = client.get("/tillganglighet/").content.decode()
    return [strip_tags(heading).strip() for heading in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html, re.S)]


@pytest.fixture
def deployment(settings):
    settings.HLT_ACCESSIBILITY_ORGANISATION = "Umeå kommun"
    settings.HLT_ACCESSIBILITY_CONTACT = "tillganglighet@umea.example.se"
    settings.HLT_ACCESSIBILITY_ASSESSED_ON = datetime.date(2026, 10, 5)
    return settings


def test_it_has_each_part_digg_requires_under_its_own_heading(client, english):
    assert _headings(client)[1:] == [
        "How accessible is the service?",
        "What can you do if you cannot use parts of the service?",
        "Report accessibility problems",
        "Enforcement",
        "Technical information about the accessibility of the service",
        "Content that is not accessible",
        "Disproportionate burden",
        "Content that is not within the scope of the Act",
        "How we tested the service",
    ]


def test_it_names_who_stands_behind_the_service(client, english, deployment):
    assert "Umeå kommun stands behind HLT Samverkan." in _statement(client)


def test_it_says_it_is_partially_compliant_with_the_act(client, english):
    text = _statement(client)

    assert "HLT Samverkan is partially compliant with the Act on accessibility to digital public services" in text
    assert "(2018:1937)" in text


def test_it_lists_the_content_that_is_not_accessible_with_the_reason(client, english):
    text = _statement(client)

    assert "WCAG 2.1 success criterion 2.2.1" in text and "protects the children's data" in text
    assert "PDF documents" in text and "PDF/UA-1" in text
    assert "scanned images without text" in text and "recorded in the case as text" in text


def test_it_says_how_to_report_a_barrier_to_the_deployment_s_contact(client, english, deployment):
    html = client.get("/tillganglighet/").content.decode()

    assert html.count('href="mailto:tillganglighet@umea.example.se"') == 2
    assert "If you find a barrier that is not described here" in _statement(client)


def test_without_a_contact_it_sends_users_to_their_process_leader(client, english, settings):
    settings.HLT_ACCESSIBILITY_CONTACT = ""

    text = _statement(client)

    assert "mailto:" not in client.get("/tillganglighet/").content.decode()
    assert "ask your HLT process leader" in text and "tell your HLT process leader" in text


def test_it_names_the_enforcement_body_and_links_its_report_form(client, english):
    html = client.get("/tillganglighet/").content.decode()

    assert "The Agency for Digital Government (DIGG, Myndigheten för digital förvaltning)" in _statement(client)
    assert '<a href="https://www.digg.se/tdosanmalan">' in html


def test_it_gives_the_date_of_assessment_from_settings_and_of_its_last_update(client, english, deployment):
    text = _statement(client)

    assert "The service was last assessed on 5 October 2026." in text
    assert f"This statement was last updated on {date_format(STATEMENT_UPDATED_ON, 'j F Y')}." in text
    assert "self-assessment" in text


def test_it_states_the_session_limits_the_deployment_sets(client, english, settings):
    settings.HLT_SESSION_IDLE_MINUTES = 25
    settings.HLT_SESSION_WARNING_SECONDS = 90
    settings.HLT_SESSION_MAX_HOURS = 8

    text = _statement(client)

    assert "logged out after 25 minutes without activity" in text
    assert "90 seconds before that, a dialogue warns you" in text
    assert "After 8 hours you are logged out even if you are active" in text
    assert "15 minutes" not in text and "12 hours" not in text


def test_it_is_in_swedish_with_digg_s_wording_by_default(client, deployment):
    text = _statement(client)

    assert "Tillgänglighetsredogörelse" in text
    assert "HLT Samverkan är delvis förenlig med lagen om tillgänglighet till digital offentlig service" in text
    assert "Myndigheten för digital förvaltning (Digg) har tillsyn över lagen" in text
    assert "Tjänsten bedömdes senast den 5 oktober 2026." in text
    assert "loggas du ut efter 15 minuter utan aktivitet" in text
