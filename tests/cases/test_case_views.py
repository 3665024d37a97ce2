"""The case pages through the browser's eyes: starting a case, the case list and the case page.

Messages are compared with what the Swedish page shows (`_shown`), so the tests hold whether or not
the catalogue has translated a string yet.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext

from access.models import AccessLogEntry, LogAction, Outcome
from cases.identity import CHECK_DIGIT_MESSAGE, DATE_MESSAGE, luhn_ok
from cases.models import Case, CaseNamedUser, CaseStatus, Child, ProtectionLevel
from consent.services import consent_record, default_valid_until
from teams.models import UnitKind
from tests.factories import AdultFactory, CaseFactory, ChildFactory, MembershipFactory, TeamFactory, UnitFactory
from tests.sip_helpers import complete_draft, principal_units, sip_consent
from tests.support_helpers import an_intervention, supported

pytestmark = pytest.mark.django_db


def _test_number(birth: str, serial: str) -> str:
    """A personnummer from Skatteverket's test series (serials 980-999) with a correct check digit.

    Born in March, so it never meets the factories' numbers (all born in January).
    """
    body = birth[2:] + serial
    return birth + serial + next(d for d in "0123456789" if luhn_ok(body + d))


NEW_CHILD = _test_number("20150314", "983")  # 20150314-9831, as in the form's help text


def _forms_of(number: str) -> list[str]:
    """The ways an identity number could leak: 12 digits, 10 digits, and both with a dash."""
    return [number, number[2:], f"{number[:8]}-{number[8:]}", f"{number[2:8]}-{number[8:]}"]


def _shown(text) -> str:
    """`text` as the Swedish page shows it (HTML-escaped)."""
    with translation.override("sv"):
        return escape(str(text) if isinstance(text, Promise) else gettext(text))


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


@pytest.fixture
def area_units(team, member):
    """The team's area: the member's own (municipal) school and a health centre."""
    school = member.memberships.get(team=team).home_unit
    health_centre = UnitFactory(kind=UnitKind.HEALTH_CENTRE, municipality=team.area.municipality, name="Ålidhems HC")
    team.area.units.add(school, health_centre)
    return school, health_centre


def _search(client, number):
    return client.post("/arenden/ny/", {"kind": "national", "number": number})


def _case_data(team, unit, **overrides):
    return {
        "team": team.pk,
        "initiator_unit": unit.pk,
        "reasons": ["learning"],
        "reason_description": "Oro för skolgången",
        **overrides,
    }


def _child_data(school, health_centre):
    return {
        "child-first_name": "Tove",
        "child-last_name": "Testsson",
        "child-protection": ProtectionLevel.NONE,
        "child-school_unit": school.pk,
        "child-health_centre": health_centre.pk,
        "child-letter_language": "sv",
    }


def _case_in(team, initiator, *, in_force=False, **fields):
    """A case of `team`; with `in_force` its consent counts as in force (the whole team sees it)."""
    if in_force:
        fields.setdefault("consent_in_force_until", timezone.localdate() + timedelta(days=90))
        fields.setdefault("status", CaseStatus.READY)
    membership = initiator.memberships.filter(team=team).first()
    unit = membership.home_unit if membership else UnitFactory(municipality=team.area.municipality)
    return CaseFactory(team=team, initiator=initiator, initiator_unit=unit, **fields)


def _consent(case, adult, actor):
    units = list(case.team.area.units.all()) or [case.initiator_unit]
    case.team.area.units.add(*units)
    today = timezone.localdate()
    return consent_record(
        case=case,
        actor=actor,
        adult=adult,
        parties=units,
        categories=["category_school"],
        valid_from=today,
        valid_until=default_valid_until(today),
        method="paper",
        today=today,
    )


# --- Ny HLT-anmälan ------------------------------------------------------------------------------


def test_it_logs_the_identity_search_without_the_number(client, member):
    # Given a member starting a case
    client.force_login(member)

    # When they search for a child's identity number
    _search(client, NEW_CHILD)

    # Then the search is in the access log, and the number is nowhere in the row
    entry = AccessLogEntry.objects.get(user_id=member.pk, action=LogAction.SEARCH)
    assert entry.outcome == Outcome.ALLOWED
    row = " ".join(str(value) for value in AccessLogEntry.objects.filter(pk=entry.pk).values().get().values())
    assert not any(form in row for form in _forms_of(NEW_CHILD))


def test_it_logs_which_known_child_a_search_found(client, member):
    child = ChildFactory()
    client.force_login(member)

    _search(client, child.identity_number)

    entry = AccessLogEntry.objects.get(user_id=member.pk, action=LogAction.SEARCH)
    assert entry.child_id == child.pk


def test_it_keeps_the_identity_number_out_of_every_url_of_the_new_case_flow(client, member, team, area_units):
    # Given a member who searches for an unknown child and registers the case
    client.force_login(member)
    school, health_centre = area_units

    # When they go through both steps
    search = _search(client, NEW_CHILD)
    details = client.get(search["Location"])
    started = client.post(search["Location"], {**_case_data(team, school), **_child_data(school, health_centre)})

    # Then no redirect, link or form target carries the number
    urls = [search["Location"], started["Location"]]
    urls += re.findall(r'(?:href|action)="([^"]*)"', details.content.decode())
    assert started.status_code == 302
    assert not any(form in url for url in urls for form in _forms_of(NEW_CHILD))


def test_it_asks_for_the_childs_details_when_the_child_is_unknown(client, member):
    client.force_login(member)

    response = client.get(_search(client, NEW_CHILD)["Location"])

    assert response.status_code == 200
    assert 'name="child-first_name"' in response.content.decode()


def test_it_registers_an_unknown_child_and_starts_the_case(client, member, team, area_units):
    # Given a search for an unknown child
    client.force_login(member)
    school, health_centre = area_units
    details_url = _search(client, NEW_CHILD)["Location"]

    # When the member fills in the child and the case
    response = client.post(details_url, {**_case_data(team, school), **_child_data(school, health_centre)})

    # Then the child is registered, the case opens awaiting consent and the member lands on it
    child = Child.objects.get(identity_number=NEW_CHILD)
    case = Case.objects.get(child=child)
    assert response["Location"] == f"/arenden/{case.pk}/"
    assert child.first_name == "Tove"
    assert (case.school_unit, case.health_centre) == (school, health_centre)
    assert (case.team, case.initiator, case.status) == (team, member, CaseStatus.AWAITING_CONSENT)
    assert case.is_eligible


def test_it_reuses_a_registered_child(client, member, team, area_units):
    # Given a child the register already knows
    child = ChildFactory(first_name="Vera")
    client.force_login(member)
    school, health_centre = area_units
    details_url = _search(client, child.identity_number)["Location"]

    # When the member starts a case for the child, with what the family told them
    page = client.get(details_url)
    client.post(details_url, {**_case_data(team, school), **_child_data(school, health_centre)})

    # Then the page asked for the details as for any child, without naming the registered one; the
    # registered child is used and keeps its name, and no second child is registered
    assert "Vera" not in page.content.decode()
    assert 'name="child-first_name"' in page.content.decode()
    assert Child.objects.get().first_name == "Vera"
    assert Case.objects.get().child == child


def test_it_refuses_a_second_open_case_for_the_same_child_in_the_team(client, member, team, area_units, case):
    # Given a child with an open case in the team
    client.force_login(member)
    school, health_centre = area_units
    details_url = _search(client, case.child.identity_number)["Location"]

    # When someone starts another case for the child in the same team
    response = client.post(details_url, {**_case_data(team, school), **_child_data(school, health_centre)})

    # Then they are told so and nothing is created
    assert response.status_code == 200
    assert _shown("The child already has an open HLT case in this team.") in response.content.decode()
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (NEW_CHILD[:-1] + str((int(NEW_CHILD[-1]) + 1) % 10), CHECK_DIGIT_MESSAGE),
        ("20150230-9836", DATE_MESSAGE),  # 30 February
    ],
    ids=["check_digit", "impossible_date"],
)
def test_it_says_what_is_wrong_with_an_invalid_identity_number(client, member, number, message):
    client.force_login(member)

    response = _search(client, number)

    assert response.status_code == 200
    assert _shown(message) in response.content.decode()
    assert not AccessLogEntry.objects.filter(action=LogAction.SEARCH).exists()


def test_it_sends_step_two_back_to_the_search_when_nothing_was_searched(client, member):
    client.force_login(member)

    response = client.get("/arenden/ny/uppgifter/")

    assert response["Location"] == "/arenden/ny/"


# --- The case list -------------------------------------------------------------------------------


def test_it_lists_only_the_cases_the_user_may_see(client, member, colleague, team, other_team, outsider):
    # Given the member's own case, a colleague's case with consent, one without, and another team's
    own = _case_in(team, member)
    consented = _case_in(team, colleague, in_force=True)
    _case_in(team, colleague)
    _case_in(other_team, outsider, in_force=True)
    client.force_login(member)

    # When the member opens the case list
    response = client.get("/arenden/")

    # Then only their own case and the consented one are listed
    assert set(response.context["page"].object_list) == {own, consented}


def test_it_filters_the_list_by_status(client, member, team):
    _case_in(team, member)
    ready = _case_in(team, member, in_force=True, child__last_name="Redo")
    client.force_login(member)

    response = client.get("/arenden/", {"status": CaseStatus.READY})

    assert list(response.context["page"].object_list) == [ready]


def test_it_filters_the_list_by_team(client, member, team):
    second_team = TeamFactory(area=team.area)
    MembershipFactory(team=second_team, user=member)
    _case_in(team, member)
    in_second = _case_in(second_team, member)
    client.force_login(member)

    response = client.get("/arenden/", {"team": second_team.pk})

    assert list(response.context["page"].object_list) == [in_second]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("name", ["Alm", "Berg", "Ek"]), ("newest", ["Berg", "Ek", "Alm"]), ("oldest", ["Alm", "Ek", "Berg"])],
)
def test_it_sorts_the_list(client, member, team, sort, expected):
    today = timezone.localdate()
    for name, days_ago in [("Alm", 3), ("Ek", 2), ("Berg", 1)]:
        _case_in(team, member, child__last_name=name, initiated_on=today - timedelta(days=days_ago))
    client.force_login(member)

    response = client.get("/arenden/", {"sort": sort})

    assert [case.child.last_name for case in response.context["page"].object_list] == expected


def test_it_pages_the_list_and_keeps_the_filters_in_the_page_links(client, member, team):
    # Given 26 open cases awaiting consent
    for _ in range(26):
        _case_in(team, member)
    client.force_login(member)

    # When the member filters and opens the first and the second page
    first = client.get("/arenden/", {"status": CaseStatus.AWAITING_CONSENT})
    second = client.get("/arenden/", {"status": CaseStatus.AWAITING_CONSENT, "sida": 2})

    # Then 25 and 1 cases are shown, and "next" keeps the filter
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 1
    assert "?status=awaiting_consent&amp;sida=2" in first.content.decode()


def test_it_logs_one_list_entry_per_page_shown(client, member, team):
    for _ in range(26):
        _case_in(team, member)
    client.force_login(member)

    client.get("/arenden/")
    client.get("/arenden/", {"sida": 2})

    # One entry per child each page names: 25 on the first page, 1 on the second.
    entries = AccessLogEntry.objects.filter(user_id=member.pk, action=LogAction.LIST, object_type="cases.child")
    assert entries.count() == 26
    assert entries.values("child_id").distinct().count() == 26


def test_it_logs_nothing_for_an_empty_list(client, outsider, case):
    client.force_login(outsider)

    client.get("/arenden/")

    assert not AccessLogEntry.objects.filter(user_id=outsider.pk, action=LogAction.LIST).exists()


@pytest.mark.parametrize("case_count", [1, 20])
def test_it_loads_the_case_list_in_constant_queries(client, django_assert_num_queries, member, team, case_count):
    for _ in range(case_count):
        _case_in(team, member)
    client.force_login(member)
    client.get("/")  # the first request after login writes the session clocks and the MFA flag
    # user, count of the visible cases (paginator), the page of cases with child and team (one join),
    # access-log insert, unread notices for the header, the filter form's team choices
    with django_assert_num_queries(6):
        client.get("/arenden/")


# --- The case page -------------------------------------------------------------------------------


@pytest.mark.parametrize("guardian_count", [1, 5])
def test_it_loads_the_case_page_in_constant_queries(client, django_assert_num_queries, member, team, guardian_count):
    # Given a case whose every guardian has consented, with a plan of as many interventions and a SIP
    case = _case_in(team, member)
    for _ in range(guardian_count):
        _consent(case, AdultFactory(case=case), member)
    supported(case)
    for _ in range(guardian_count):
        an_intervention(case, member)
    sip_consent(case, actor=member)
    complete_draft(case, actor=member, units=principal_units(case))
    client.force_login(member)
    client.get("/")
    # user; the visible case with child, school, health centre, team, area, initiator and unit (one
    # query, the policy's filter included); prefetches: adults, consents with giver and recorders,
    # their parties, exceptions, timeline events, named users, their users, agenda items with their
    # meeting, contact person and deadline; the member's membership
    # (log context, then cached for the permissions), access-log insert, named check (protected
    # details), names of the people in the timeline, unread notices for the header; the plan
    # (support.selectors.plan_for_case): interventions, follow-ups, open deadlines, waiting agreed actions;
    # the SIP (sip.selectors.sip_for_case): the plan with its convener, principals, participants;
    # the child's other cases the member could carry registrations over from
    with django_assert_num_queries(23):
        client.get(f"/arenden/{case.pk}/")


def test_it_tells_the_initiator_that_the_consent_is_not_in_force(client, member, case):
    client.force_login(member)

    page = client.get(f"/arenden/{case.pk}/").content.decode()

    assert _shown("The consent is not in force") in page
    assert "Anna" in page and "Bertil" in page  # the guardians still to consent


def test_it_shows_the_whole_team_the_case_once_consent_is_in_force(client, colleague, consented_case):
    client.force_login(colleague)

    response = client.get(f"/arenden/{consented_case.pk}/")

    assert response.status_code == 200
    assert _shown("The consent is not in force") not in response.content.decode()
    assert consented_case.consent_in_force_until.isoformat() in response.content.decode()


def test_it_hides_the_case_from_a_colleague_before_consent(client, colleague, case):
    client.force_login(colleague)

    assert client.get(f"/arenden/{case.pk}/").status_code == 404


def test_it_hides_a_case_from_another_team_and_logs_the_attempt(client, outsider, consented_case):
    # Given a member of another team
    client.force_login(outsider)

    # When they ask for the case's address
    response = client.get(f"/arenden/{consented_case.pk}/")

    # Then the case does not exist for them, and the attempt is in the log naming the child, so the
    # child's log extract shows it
    assert response.status_code == 404
    entry = AccessLogEntry.objects.get(user_id=outsider.pk, object_type="cases.case")
    assert (entry.outcome, entry.object_id, entry.child_id) == (
        Outcome.DENIED,
        str(consented_case.pk),
        consented_case.child_id,
    )


def test_it_keeps_identity_numbers_out_of_page_titles_and_links(client, member, consented_case):
    # Given a member who has started a case (the identity search is in the session)
    client.force_login(member)
    number = consented_case.child.identity_number
    _search(client, number)

    # When they open the case list, the case page and step two of a new case
    pages = [client.get(url) for url in ["/arenden/", f"/arenden/{consented_case.pk}/", "/arenden/ny/uppgifter/"]]

    # Then the case page shows the number, but no title or link carries it
    assert f"{number[:8]}-{number[8:]}" in pages[1].content.decode()
    for page in pages:
        places = [_title(page), *re.findall(r'(?:href|action)="([^"]*)"', page.content.decode())]
        assert not any(form in place for place in places for form in _forms_of(number)), page.request["PATH_INFO"]


@pytest.fixture
def protected_child_case(consented_case, team):
    """The consented case, the child with protected registration and a known school and health centre."""
    Child.objects.filter(pk=consented_case.child_id).update(protection=ProtectionLevel.PROTECTED_REGISTRATION)
    consented_case.school_unit = UnitFactory(municipality=team.area.municipality, name="Hemliga skolan")
    consented_case.health_centre = UnitFactory(
        kind=UnitKind.HEALTH_CENTRE, municipality=team.area.municipality, name="Hemliga HC"
    )
    consented_case.save()
    return consented_case


def test_it_hides_a_protected_childs_school_from_a_member_not_named_on_the_case(
    client, colleague, protected_child_case
):
    client.force_login(colleague)

    page = client.get(f"/arenden/{protected_child_case.pk}/").content.decode()

    assert "Hemliga skolan" not in page
    assert "Hemliga HC" not in page
    assert _shown("Hidden (protected identity)") in page


def test_it_shows_a_protected_childs_school_to_the_named_initiator(client, member, protected_child_case):
    # The factory names the initiator, as a coordinator would.
    client.force_login(member)

    page = client.get(f"/arenden/{protected_child_case.pk}/").content.decode()

    assert "Hemliga skolan" in page
    assert "Hemliga HC" in page


@pytest.fixture
def protected_guardian_case(consented_case):
    """The consented case, with Anna under protected registration."""
    consented_case.adults.filter(first_name="Anna").update(
        protection=ProtectionLevel.PROTECTED_REGISTRATION, street_address="Hemligvägen 7", phone="070-111 22 33"
    )
    return consented_case


def test_it_hides_a_protected_guardians_address_and_phone_from_a_member_not_named(
    client, colleague, protected_guardian_case
):
    client.force_login(colleague)

    page = client.get(f"/arenden/{protected_guardian_case.pk}/").content.decode()

    assert "Hemligvägen 7" not in page
    assert "070-111 22 33" not in page
    assert "Storgatan 1" in page  # Bertil is not protected


def test_it_shows_a_protected_guardians_address_to_the_named_initiator(client, member, protected_guardian_case):
    client.force_login(member)

    page = client.get(f"/arenden/{protected_guardian_case.pk}/").content.decode()

    assert "Hemligvägen 7" in page
    assert "070-111 22 33" in page


def test_it_shows_a_protected_guardians_address_to_a_member_once_named(
    client, coordinator, colleague, protected_guardian_case
):
    # Given the coordinator names the colleague on the case
    client.force_login(coordinator)
    client.post(f"/arenden/{protected_guardian_case.pk}/namngivna/", {"user": colleague.pk})

    # When the colleague opens the case
    client.force_login(colleague)
    page = client.get(f"/arenden/{protected_guardian_case.pk}/").content.decode()

    # Then they see the address
    assert "Hemligvägen 7" in page


# --- Closing and naming --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["member", "coordinator"])
def test_it_lets_the_initiator_and_the_coordinator_close_the_case(client, personas, case, persona):
    client.force_login(personas[persona])

    response = client.post(f"/arenden/{case.pk}/avsluta/", {"reason": "needs_met", "note": ""})

    case.refresh_from_db()
    assert response["Location"] == f"/arenden/{case.pk}/"
    assert (case.status, case.closure_reason, case.closed_on) == ("closed", "needs_met", timezone.localdate())


def test_it_refuses_a_colleague_closing_the_case(client, colleague, consented_case):
    client.force_login(colleague)

    response = client.post(f"/arenden/{consented_case.pk}/avsluta/", {"reason": "needs_met"})

    consented_case.refresh_from_db()
    assert response.status_code == 403
    assert consented_case.is_open


def test_it_offers_the_close_button_only_to_those_who_may_close(client, member, colleague, consented_case):
    client.force_login(member)
    assert f"/arenden/{consented_case.pk}/avsluta/" in client.get(f"/arenden/{consented_case.pk}/").content.decode()
    client.force_login(colleague)
    assert f"/arenden/{consented_case.pk}/avsluta/" not in client.get(f"/arenden/{consented_case.pk}/").content.decode()


def test_it_lets_the_coordinator_name_a_team_member_on_the_case(client, coordinator, colleague, case):
    client.force_login(coordinator)

    response = client.post(f"/arenden/{case.pk}/namngivna/", {"user": colleague.pk})

    assert response["Location"] == f"/arenden/{case.pk}/namngivna/"
    assert CaseNamedUser.objects.filter(case=case, user=colleague).exists()


def test_it_offers_only_team_members_not_yet_named(client, coordinator, member, colleague, outsider, case):
    client.force_login(coordinator)

    response = client.get(f"/arenden/{case.pk}/namngivna/")

    offered = set(response.context["form"].fields["user"].queryset)
    assert offered == {colleague, coordinator}  # the initiator (member) is named already


def test_it_lets_the_coordinator_take_a_name_off_the_case(client, coordinator, colleague, case):
    CaseNamedUser.objects.create(case=case, user=colleague, added_by=coordinator)
    client.force_login(coordinator)

    client.post(f"/arenden/{case.pk}/namngivna/{colleague.pk}/ta-bort/")

    assert not CaseNamedUser.objects.filter(case=case, user=colleague).exists()


def test_it_lets_the_coordinator_take_the_initiators_name_off_the_case(client, coordinator, member, case):
    # Starting a case does not make anyone named: the initiator is named only while the coordinator says so.
    client.force_login(coordinator)

    client.post(f"/arenden/{case.pk}/namngivna/{member.pk}/ta-bort/")

    assert not CaseNamedUser.objects.filter(case=case, user=member).exists()


def test_it_refuses_the_named_users_page_to_anyone_but_the_coordinator(client, member, case):
    client.force_login(member)

    assert client.get(f"/arenden/{case.pk}/namngivna/").status_code == 403


@pytest.mark.parametrize("persona", ["process_leader", "regional_leader", "admin_user"])
def test_it_refuses_the_identity_search_to_users_outside_any_team(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = _search(client, NEW_CHILD)

    assert response.status_code == 403
    entry = AccessLogEntry.objects.get(user_id=user.pk, action=LogAction.SEARCH)
    assert (entry.outcome, entry.object_id, entry.child_id) == (Outcome.DENIED, "", None)


def _child_edit_data(child, **overrides):
    return {
        "child-first_name": child.first_name,
        "child-last_name": child.last_name,
        "child-protection": child.protection,
        "child-letter_language": "sv",
        **overrides,
    }


def test_it_records_a_new_protection_level_for_the_child_in_the_timeline(client, case, member):
    client.force_login(member)

    response = client.post(
        f"/arenden/{case.pk}/barn/",
        _child_edit_data(case.child, **{"child-protection": ProtectionLevel.PROTECTED_REGISTRATION}),
    )

    assert response.status_code == 302
    case.child.refresh_from_db()
    assert case.child.protection == ProtectionLevel.PROTECTED_REGISTRATION
    event = case.events.get(action="child.update")
    assert (event.actor_id, event.details) == (member.pk, {"fields": ["protection"]})


def test_it_lets_only_named_users_edit_a_protected_child(client, consented_case, member, colleague):
    Child.objects.filter(pk=consented_case.child_id).update(protection=ProtectionLevel.CONFIDENTIALITY_MARKING)

    client.force_login(colleague)
    refused = client.get(f"/arenden/{consented_case.pk}/barn/")
    client.force_login(member)
    allowed = client.get(f"/arenden/{consented_case.pk}/barn/")

    assert (refused.status_code, allowed.status_code) == (403, 200)
    entry = AccessLogEntry.objects.get(user_id=colleague.pk, object_id=str(consented_case.pk))
    assert (entry.outcome, entry.child_id) == (Outcome.DENIED, consented_case.child_id)


# --- Searching among the cases ---------------------------------------------------------------------


@pytest.fixture
def searchable(team, other_team, member):
    """Two cases the member sees and one of another team's they do not."""
    mine = _case_in(team, member, child=ChildFactory(first_name="Wilma", last_name="Sökdotter"))
    other = _case_in(team, member, child=ChildFactory(first_name="Axel", last_name="Annansson"))
    hidden = CaseFactory(team=other_team, child=ChildFactory(first_name="Wilma", last_name="Sökdotter-Dold"))
    return mine, other, hidden


def _search_cases(client, term):
    client.post("/arenden/", {"term": term})
    return client.get("/arenden/")


@pytest.mark.parametrize(
    "term",
    ["wilma", "Sökdotter", "Wilma Sökdotter", "identity12", "identity10", "identity_dash", "reference"],
)
def test_it_finds_a_case_by_name_identity_number_or_reference(client, member, searchable, term):
    mine = searchable[0]
    number = mine.child.identity_number
    term = {
        "identity12": number,
        "identity10": number[2:],
        "identity_dash": f"{number[:8]}-{number[8:]}",
        "reference": mine.reference,
    }.get(term, term)
    client.force_login(member)

    page = _search_cases(client, term)

    assert [case.pk for case in page.context["page"].object_list] == [mine.pk]


def test_it_never_searches_beyond_the_cases_the_user_sees(client, member, searchable):
    client.force_login(member)

    page = _search_cases(client, "Sökdotter-Dold")

    html = page.content.decode()
    assert list(page.context["page"].object_list) == []
    assert f"/arenden/{searchable[2].pk}/" not in html
    assert searchable[2].reference not in html


def test_it_keeps_the_search_term_out_of_every_url(client, member, searchable):
    client.force_login(member)

    response = client.post("/arenden/", {"term": searchable[0].child.identity_number})
    page = client.get(response["Location"])

    assert response.status_code == 302 and response["Location"] == "/arenden/"
    links = re.findall(r'(?:href|action)="([^"]*)"', page.content.decode())
    assert not any(form in link for link in links for form in _forms_of(searchable[0].child.identity_number))


def test_it_logs_a_search_naming_each_child_it_finds(client, member, searchable):
    client.force_login(member)

    _search_cases(client, "wilma")

    entries = AccessLogEntry.objects.filter(user_id=member.pk, action=LogAction.SEARCH)
    assert list(entries.values_list("child_id", flat=True)) == [searchable[0].child_id]


def test_it_logs_a_search_that_finds_nothing(client, member, searchable):
    client.force_login(member)

    _search_cases(client, "Ingen sådan")

    entry = AccessLogEntry.objects.get(user_id=member.pk, action=LogAction.SEARCH)
    assert (entry.outcome, entry.child_id) == (Outcome.ALLOWED, None)


def test_it_clears_the_search(client, member, searchable):
    client.force_login(member)
    _search_cases(client, "wilma")

    client.post("/arenden/", {"clear": "1"})
    page = client.get("/arenden/")

    assert len(page.context["page"].object_list) == 2


def test_it_asks_for_at_least_two_characters(client, member, searchable):
    client.force_login(member)

    page = client.post("/arenden/", {"term": "w"})

    assert page.status_code == 200
    assert _shown("Write at least two characters.") in page.content.decode()


@pytest.mark.parametrize("case_count", [1, 20])
def test_it_searches_in_constant_queries(client, django_assert_num_queries, member, team, case_count):
    for _ in range(case_count):
        _case_in(team, member, child=ChildFactory(first_name="Wilma"))
    client.force_login(member)
    client.get("/")
    client.post("/arenden/", {"term": "wilma"})
    # user, count of the matching visible cases, the page of them with child and team, access-log
    # insert (one per child), unread notices for the header, the filter form's team choices
    with django_assert_num_queries(6):
        client.get("/arenden/")
