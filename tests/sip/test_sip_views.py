"""The SIP through the pages: the consent it needs, starting, editing with principals and
participants, establishing, the history, ending; bad input answered with messages; access and
logging as for every case page; and the query count of the SIP page pinned."""

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from access.models import AccessLogEntry, LogAction, Outcome
from consent.models import Consent, Purpose
from consent.services import consent_withdraw, default_valid_until
from sip.models import Sip, SipStatus
from sip.selectors import sip_for_case
from sip.services import ParticipantInput, PrincipalInput, sip_update
from tests.factories import consent_all
from tests.sip_helpers import (
    EFFORTS,
    GOALS,
    HEALTH_DUTIES,
    OTHER,
    SOCIAL_DUTIES,
    complete_draft,
    established,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _url(case, tail=""):
    return f"/arenden/{case.pk}/sip/{tail}"


def _shown(text: str) -> str:
    return escape(text)


def _rows(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(min(initial, len(rows))),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{key}": value for key, value in row.items() if value is not None})
    return data


def _plan_data(sip, units, coordinator, *, principals=None, participants=None, **content) -> dict:
    """What the edit page posts: the content, the two principals and the family as participants."""
    today = timezone.localdate()
    data = {
        "family_goals": GOALS,
        "efforts_needed": EFFORTS,
        "other_measures": OTHER,
        "meeting_date": today.isoformat(),
        "meeting_time": "09:30",
        "meeting_place": "Ålidhems hälsocentral, rum 2",
        "follow_up_date": (today + timedelta(days=90)).isoformat(),
        "convener": str(coordinator.pk),
        **content,
    }
    if principals is None:
        principals = [
            {
                "principal_type": "municipality",
                "unit": str(units.social.pk),
                "responsibilities": SOCIAL_DUTIES,
                "is_overall_responsible": "on",
                "coordinator": str(coordinator.pk),
            },
            {"principal_type": "region", "unit": str(units.health.pk), "responsibilities": HEALTH_DUTIES},
        ]
    if participants is None:
        participants = [
            {"name": p.name, "role": p.role, "organisation": p.organisation} for p in sip.participants.all()
        ]
    data.update(_rows("principals", principals, initial=sip.principals.count()))
    data.update(_rows("participants", participants, initial=sip.participants.count()))
    return {key: value for key, value in data.items() if value is not None}


# --- The SIP consent and starting a plan -----------------------------------------------------------


def test_it_explains_that_a_sip_needs_its_own_consent(client, member, case):
    client.force_login(member)

    response = client.get(_url(case))

    assert response.status_code == 200
    assert _shown("the HLT consent does not cover a SIP") in response.content.decode()
    assert f"/arenden/{case.pk}/samtycke/nytt/?syfte=sip" in response.content.decode()
    assert _url(case, "ny/") not in response.content.decode()


def test_it_offers_to_start_a_sip_once_the_sip_consent_is_in_force(client, member, sip_case):
    client.force_login(member)

    response = client.get(_url(sip_case))

    assert _url(sip_case, "ny/") in response.content.decode()


def test_it_refuses_to_start_a_sip_without_the_sip_consent(client, member, case):
    client.force_login(member)

    response = client.post(_url(case, "ny/"))

    assert response.status_code == 200
    assert _shown("the HLT consent does not cover a SIP") in response.content.decode()
    assert not Sip.objects.exists()


def test_it_starts_a_sip_and_opens_it_for_editing(client, member, sip_case):
    client.force_login(member)

    response = client.post(_url(sip_case, "ny/"))

    assert response["Location"] == _url(sip_case, "andra/")
    assert Sip.objects.get(case=sip_case).status == SipStatus.DRAFT


def test_it_records_a_consent_to_a_sip_through_the_consent_form(client, member, case):
    # Given the initiator on the consent form, opened from the SIP page
    client.force_login(member)
    case.team.area.units.add(case.initiator_unit)
    today = timezone.localdate()
    page = client.get(f"/arenden/{case.pk}/samtycke/nytt/?syfte=sip").content.decode()
    assert re.search(r'<input type="radio"[^>]*name="purpose" value="sip"[^>]*checked>', page)

    # When Anna's consent is recorded with the purpose SIP
    anna = case.adults.get(first_name="Anna")
    client.post(
        f"/arenden/{case.pk}/samtycke/nytt/",
        {
            "purpose": "sip",
            "giver": str(anna.pk),
            "parties": [case.initiator_unit.pk],
            "categories": ["category_social"],
            "valid_from": today.isoformat(),
            "valid_until": default_valid_until(today).isoformat(),
            "method": "paper",
        },
    )

    # Then it is a SIP consent, and the case page says which purpose each consent is for
    assert Consent.objects.get(case=case).purpose == Purpose.SIP
    assert "SIP: coordinated individual plan" in client.get(f"/arenden/{case.pk}/").content.decode()


# --- Editing ---------------------------------------------------------------------------------------


def test_it_saves_the_plan_with_its_principals_and_participants(client, member, coordinator, sip_case, units):
    client.force_login(member)
    client.post(_url(sip_case, "ny/"))
    sip = Sip.objects.get(case=sip_case)

    response = client.post(
        _url(sip_case, "andra/"),
        _plan_data(sip, units, coordinator, participants=[{"name": "Rektor Rut", "role": "other_actor"}]),
    )

    assert response["Location"] == _url(sip_case)
    sip = sip_for_case(sip_case)
    assert (sip.efforts_needed, sip.convener, sip.meeting_time.strftime("%H:%M")) == (EFFORTS, coordinator, "09:30")
    assert [(p.unit, p.is_overall_responsible) for p in sip.principals.all()] == [
        (units.social, True),
        (units.health, False),
    ]
    assert sip.overall_principal.coordinator == coordinator
    assert [p.name for p in sip.participants.all()] == ["Rektor Rut"]


def test_it_shows_the_plan_with_its_four_parts(client, member, sip_case, units):
    established(sip_case, actor=member, units=units)
    client.force_login(member)

    page = client.get(_url(sip_case)).content.decode()

    for text in (GOALS, EFFORTS, SOCIAL_DUTIES, HEALTH_DUTIES, OTHER, "Overall responsibility", member.full_name):
        assert _shown(text) in page


def test_it_refuses_two_overall_responsible_principals_with_a_message(client, member, coordinator, sip_case, units):
    client.force_login(member)
    sip = complete_draft(sip_case, actor=member, units=units)
    data = _plan_data(
        sip,
        units,
        coordinator,
        efforts_needed="Ändrat",
        principals=[
            {"principal_type": "municipality", "unit": str(units.social.pk), "is_overall_responsible": "on"},
            {"principal_type": "region", "unit": str(units.health.pk), "is_overall_responsible": "on"},
        ],
    )

    response = client.post(_url(sip_case, "andra/"), data)

    assert response.status_code == 200
    assert (
        "Only one principal can have the overall responsibility for the plan; 2 are marked."
        in response.content.decode()
    )
    sip.refresh_from_db()
    assert sip.efforts_needed == EFFORTS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"meeting_date": "2025-13-45"}, "Enter a valid date."),
        ({"meeting_time": "25:99"}, "Enter a valid time."),
        ({"convener": "999999"}, "Select a valid choice."),
        ({"efforts_needed": "x" * 2001}, "Ensure this value has at most 2000 characters"),
        ({"no_other_measures": "on"}, "described and also marked as none"),
    ],
)
def test_it_answers_bad_content_with_a_message(client, member, coordinator, sip_case, units, change, message):
    client.force_login(member)
    sip = complete_draft(sip_case, actor=member, units=units)

    response = client.post(_url(sip_case, "andra/"), _plan_data(sip, units, coordinator, **change))

    assert response.status_code == 200
    assert _shown(message) in response.content.decode()


def test_it_answers_a_bad_principal_row_with_a_message(client, member, coordinator, sip_case, units):
    client.force_login(member)
    sip = complete_draft(sip_case, actor=member, units=units)
    principals = [{"principal_type": "private", "unit": "abc", "responsibilities": "X"}]

    response = client.post(_url(sip_case, "andra/"), _plan_data(sip, units, coordinator, principals=principals))

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


def test_it_answers_a_post_without_its_formsets_with_a_message(client, member, sip_case, units):
    client.force_login(member)
    complete_draft(sip_case, actor=member, units=units)

    response = client.post(_url(sip_case, "andra/"), {"efforts_needed": "Ändrat"})

    assert response.status_code == 200
    assert "ManagementForm data is missing or has been tampered with" in response.content.decode()


def test_it_sends_a_user_without_a_sip_to_the_sip_page(client, member, case):
    client.force_login(member)

    for tail in ("andra/", "faststall/", "historik/", "avsluta/", "plan.pdf", "kallelse.pdf"):
        assert client.get(_url(case, tail))["Location"] == _url(case), tail


def test_it_refuses_to_open_the_editor_once_the_sip_consent_is_withdrawn(client, member, sip_case, units):
    sip = established(sip_case, actor=member, units=units)
    anna_sip = Consent.objects.get(case=sip_case, purpose=Purpose.SIP, adult__first_name="Anna")
    consent_withdraw(consent=anna_sip, actor=member, method="oral", today=timezone.localdate())
    client.force_login(member)

    response = client.get(_url(sip_case, "andra/"), follow=True)

    assert _shown("The SIP consent has been withdrawn") in response.content.decode()
    assert _shown(EFFORTS) in response.content.decode()  # the plan is kept and shown
    sip.refresh_from_db()
    assert sip.status == SipStatus.ESTABLISHED


# --- Establishing, history, ending -----------------------------------------------------------------


def test_it_lists_what_is_missing_before_the_plan_can_be_established(client, member, sip_case):
    client.force_login(member)
    client.post(_url(sip_case, "ny/"))

    page = client.get(_url(sip_case, "faststall/")).content.decode()

    assert "Part 1: describe the efforts needed." in page
    assert "Part 2: add the municipality and the region as principals" in page
    assert "Part 3: describe the measures taken by others, or tick that there are none." in page
    assert "Part 4: choose the one principal that has the overall responsibility for the plan." in page
    assert '<button type="submit"' not in page.split("<main", 1)[1]


def test_it_refuses_to_establish_an_incomplete_plan_with_the_reasons(client, member, sip_case):
    client.force_login(member)
    client.post(_url(sip_case, "ny/"))

    response = client.post(_url(sip_case, "faststall/"), {"note": ""})

    assert response.status_code == 200
    assert "Part 1: describe the efforts needed." in response.content.decode()
    assert Sip.objects.get(case=sip_case).status == SipStatus.DRAFT


def test_it_establishes_a_complete_plan(client, member, sip_case, units):
    complete_draft(sip_case, actor=member, units=units)
    client.force_login(member)

    response = client.post(_url(sip_case, "faststall/"), {"note": "Fastställd på SIP-mötet"})

    assert response["Location"] == _url(sip_case)
    sip = Sip.objects.get(case=sip_case)
    assert (sip.status, sip.version) == (SipStatus.ESTABLISHED, 1)


def test_it_shows_each_version_with_who_when_and_what_changed(client, member, colleague, sip_case, units):
    # Given a plan established by member and changed at the follow-up by colleague (version 2)
    sip = established(sip_case, actor=member, units=units)
    consent_all(sip_case, actor=member)  # the HLT consent lets the colleague see the case
    client.force_login(colleague)
    data = _plan_data(sip, units, member, family_goals="Elsa vill spela fotboll", note="Uppföljning i maj")
    client.post(_url(sip_case, "andra/"), data)

    # When the history is opened
    page = client.get(_url(sip_case, "historik/")).content.decode()

    # Then both versions are there, newest first, with author, what changed and the note
    assert page.index("Version 2") < page.index("Version 1")
    version_2 = page.split("Version 2", 1)[1].split("Version 1", 1)[0]
    assert colleague.full_name in version_2
    assert _shown("The family's own goals") in version_2
    assert "Uppföljning i maj" in version_2
    assert member.full_name in page.split("Version 1", 1)[1]
    assert "The plan was established." in page


def test_it_ends_an_established_plan_with_a_reason(client, member, sip_case, units):
    established(sip_case, actor=member, units=units)
    client.force_login(member)

    response = client.post(_url(sip_case, "avsluta/"), {"note": "Behoven är tillgodosedda"})

    assert response["Location"] == _url(sip_case)
    assert Sip.objects.get(case=sip_case).status == SipStatus.ENDED


def test_it_asks_for_the_reason_to_end_a_plan(client, member, sip_case, units):
    established(sip_case, actor=member, units=units)
    client.force_login(member)

    response = client.post(_url(sip_case, "avsluta/"), {"note": ""})

    assert response.status_code == 200
    assert Sip.objects.get(case=sip_case).status == SipStatus.ESTABLISHED


# --- Access and logging ----------------------------------------------------------------------------

SIP_PAGES = ["", "ny/", "andra/", "faststall/", "avsluta/", "historik/", "plan.pdf", "kallelse.pdf"]


@pytest.mark.parametrize("tail", SIP_PAGES)
def test_it_answers_404_to_an_outsider(client, outsider, member, sip_case, units, tail):
    established(sip_case, actor=member, units=units)
    client.force_login(outsider)

    assert client.get(_url(sip_case, tail)).status_code == 404


@pytest.mark.parametrize("tail", SIP_PAGES)
def test_it_answers_404_to_a_colleague_while_the_hlt_consent_is_not_in_force(
    client, colleague, member, sip_case, units, tail
):
    # The SIP consent alone does not open the case to the team: the HLT consent decides who sees it.
    established(sip_case, actor=member, units=units)
    client.force_login(colleague)

    assert client.get(_url(sip_case, tail)).status_code == 404


def test_it_shows_the_plan_to_the_team_once_the_hlt_consent_is_in_force(client, colleague, member, sip_case, units):
    established(sip_case, actor=member, units=units)
    consent_all(sip_case, actor=member)
    client.force_login(colleague)

    assert client.get(_url(sip_case)).status_code == 200


def test_it_logs_reading_the_plan_as_a_view(client, member, sip_case, units):
    established(sip_case, actor=member, units=units)
    client.force_login(member)

    client.get(_url(sip_case))

    entry = AccessLogEntry.objects.get(user_id=member.pk, object_type="cases.case")
    assert (entry.action, entry.outcome, entry.child_id) == (LogAction.VIEW, Outcome.ALLOWED, sip_case.child_id)


def test_it_logs_saving_the_plan_as_an_update(client, member, coordinator, sip_case, units):
    sip = complete_draft(sip_case, actor=member, units=units)
    client.force_login(member)

    client.post(_url(sip_case, "andra/"), _plan_data(sip, units, coordinator))

    entry = AccessLogEntry.objects.get(user_id=member.pk, object_type="cases.case")
    assert (entry.action, entry.outcome) == (LogAction.UPDATE, Outcome.ALLOWED)


def test_it_logs_an_outsiders_attempt_as_denied(client, outsider, sip_case):
    client.force_login(outsider)

    client.post(_url(sip_case, "ny/"))

    entry = AccessLogEntry.objects.get(user_id=outsider.pk, object_type="cases.case")
    assert entry.outcome == Outcome.DENIED
    assert not Sip.objects.exists()


# --- Query counts ----------------------------------------------------------------------------------


def _grow(sip, member, units, n: int):
    """The plan with n principals and n participants (the first two principals are the two units)."""
    principals = [
        PrincipalInput(
            principal_type="municipality" if i % 2 == 0 else "region",
            unit=units.social if i == 0 else units.health if i == 1 else None,
            organisation="" if i < 2 else f"Verksamhet {i}",
            responsibilities=f"Ansvar {i}",
            is_overall_responsible=i == 0,
            coordinator=member if i == 0 else None,
            coordinator_name="" if i == 0 else f"Samordnare {i}",
        )
        for i in range(n)
    ]
    participants = [ParticipantInput(name=f"Deltagare {i}", role="professional", user=member) for i in range(n)]
    return sip_update(
        sip=sip, actor=member, today=timezone.localdate(), principals=principals, participants=participants
    )


@pytest.mark.parametrize("n", [1, 5])
def test_it_shows_the_sip_page_in_a_fixed_number_of_queries(
    client, member, sip_case, units, n, django_assert_num_queries
):
    sip = complete_draft(sip_case, actor=member, units=units)
    _grow(sip, member, units, n)
    client.force_login(member)
    client.get(_url(sip_case))  # warm the session and the caches

    # the user, the case (policy), the membership (log context), the access-log entry, the plan,
    # its principals, its participants, the SIP consent state (adults, consents, exceptions), the
    # notice count
    with django_assert_num_queries(11):
        response = client.get(_url(sip_case))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 5])
def test_it_reads_the_summary_in_three_queries_and_renders_it_without_more(
    member, sip_case, units, n, django_assert_num_queries
):
    sip = complete_draft(sip_case, actor=member, units=units)
    _grow(sip, member, units, n)

    # the plan with convener, its principals with unit and coordinator, its participants
    with django_assert_num_queries(3):
        sip = sip_for_case(sip_case)
    with django_assert_num_queries(0):
        html = render_to_string("sip/_sip_summary.html", {"sip": sip, "case": sip_case})
    assert "Socialtjänsten Umeå" in html
    assert member.full_name in html


def test_it_reads_a_case_without_a_sip_in_one_query(sip_case, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert sip_for_case(sip_case) is None
    assert "The case has no SIP." in render_to_string("sip/_sip_summary.html", {"sip": None, "case": sip_case})
