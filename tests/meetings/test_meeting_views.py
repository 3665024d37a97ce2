"""The meeting pages through the browser's eyes: the list, the meeting page, the agenda, the
minutes and closing, and putting a case on an agenda from the case page.

Messages are compared with what the Swedish page shows (`_shown`), so the tests hold whether or not
the catalogue has translated a string yet.
"""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import Case, CaseStatus
from meetings import services
from meetings.models import (
    AgendaItem,
    AgreedAction,
    InterventionType,
    ItemState,
    Meeting,
    MeetingStatus,
    MinutesAddendum,
)
from meetings.services import agenda_item_add, meeting_day
from tests.factories import AdultFactory, CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _shown(msgid: str, **params) -> str:
    """The message as the Swedish page shows it (HTML-escaped)."""
    with translation.override("sv"):
        text = gettext(msgid)
        return escape(text % params if params else text)


@pytest.fixture
def meeting(team):
    return MeetingFactory(team=team)


@pytest.fixture
def started(team):
    """A meeting of `team` that began an hour ago and ends in an hour."""
    now = timezone.now()
    return MeetingFactory(
        team=team,
        day=timezone.localdate(),
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        agenda_closes_at=now - timedelta(days=7),
    )


@pytest.fixture
def item(meeting, consented_case, member):
    return agenda_item_add(meeting=meeting, case=consented_case, actor=member, now=timezone.now())


def _login(client, user):
    client.force_login(user)
    client.get("/")  # the first request after login writes the session clocks and the MFA flag


def _case_on(meeting, initiator, *, state=ItemState.PLANNED, contact=None, actions=0):
    """A case with consent in force on `meeting`'s agenda, put there directly (the meeting may have
    started, when the service would refuse)."""
    case = CaseFactory(team=meeting.team, initiator=initiator, initiator_unit=initiator.memberships.first().home_unit)
    AdultFactory(case=case)
    meeting.team.area.units.add(case.initiator_unit)
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.ON_AGENDA, consent_in_force_until=timezone.localdate() + timedelta(days=300)
    )
    position = meeting.items.count() + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        case=case,
        position=position,
        added_by=initiator,
        state=state,
        contact_person=contact,
        summary="Samordning" if state == ItemState.DISCUSSED else "",
    )
    kind = InterventionType.objects.first()
    for n in range(actions):
        AgreedAction.objects.create(
            item=item, intervention_type=kind, description=f"Insats {n}", responsible_unit=case.initiator_unit
        )
    return item


# --- Who gets in ------------------------------------------------------------------------------------


def test_it_hides_the_meeting_from_an_outsider(client, outsider, meeting):
    _login(client, outsider)

    response = client.get(f"/moten/{meeting.pk}/")

    assert response.status_code == 404
    entry = AccessLogEntry.objects.get(user_id=outsider.pk, object_type="meetings.meeting")
    assert entry.outcome == Outcome.DENIED


@pytest.mark.parametrize(
    "path",
    ["flytta/", "stall-in/", "narvaro/", "stang/"],
)
def test_it_refuses_a_member_the_coordinators_pages(client, member, meeting, path):
    _login(client, member)

    assert client.get(f"/moten/{meeting.pk}/{path}").status_code == 403


def test_it_refuses_a_member_the_minutes(client, member, item):
    _login(client, member)

    assert client.get(f"/moten/{item.meeting_id}/dagordning/{item.pk}/protokoll/").status_code == 403


def test_it_refuses_a_member_locking_the_agenda(client, member, meeting):
    _login(client, member)

    response = client.post(f"/moten/{meeting.pk}/dagordning/las/", {"action": "lock"})

    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.agenda_locked_at is None


def test_it_refuses_a_member_reordering_the_agenda(client, member, item):
    _login(client, member)

    response = client.post(f"/moten/{item.meeting_id}/dagordning/{item.pk}/ordning/", {"direction": "up"})

    assert response.status_code == 403


# --- The list ---------------------------------------------------------------------------------------


def test_it_lists_the_meetings_of_my_teams(client, member, meeting, other_team):
    elsewhere = MeetingFactory(team=other_team)
    _login(client, member)

    page = client.get("/moten/").content.decode()

    assert f"/moten/{meeting.pk}/" in page
    assert f"/moten/{elsewhere.pk}/" not in page


@pytest.mark.parametrize("count", [1, 5])
def test_it_loads_the_meeting_list_in_constant_queries(client, django_assert_num_queries, member, team, count):
    today = timezone.localdate()
    for n in range(count):
        MeetingFactory(team=team, day=today + timedelta(days=14 + 31 * n))  # upcoming
        MeetingFactory(team=team, day=today - timedelta(days=14 + 31 * n))  # past
    _login(client, member)
    # user, upcoming meetings with team and case count, count and page of past meetings (paginator),
    # access-log insert, unread notices for the header
    with django_assert_num_queries(6):
        client.get("/moten/")


# --- The meeting page -------------------------------------------------------------------------------


def test_it_shows_the_agenda_to_the_team(client, colleague, item):
    _login(client, colleague)

    page = client.get(f"/moten/{item.meeting_id}/").content.decode()

    assert item.case.child.full_name in page
    assert f"/moten/{item.meeting_id}/hlt-mote.ics" in page


def test_it_logs_each_child_the_meeting_page_names(client, colleague, meeting, member):
    items = [_case_on(meeting, member) for _ in range(3)]
    _login(client, colleague)

    client.get(f"/moten/{meeting.pk}/")

    meeting_entry = AccessLogEntry.objects.get(user_id=colleague.pk, object_type="meetings.meeting")
    assert (meeting_entry.action, meeting_entry.outcome) == (LogAction.VIEW, Outcome.ALLOWED)
    listed = AccessLogEntry.objects.filter(user_id=colleague.pk, object_type="cases.child")
    assert sorted(listed.values_list("child_id", flat=True)) == sorted(i.case.child_id for i in items)
    assert set(listed.values_list("action", "team_id")) == {(LogAction.LIST, meeting.team_id)}


def test_it_names_no_child_whose_case_the_viewer_may_not_see(client, colleague, started, member):
    # Given a discussed case whose consent has since ended: only its initiator and the coordinator see it
    item = _case_on(started, member, state=ItemState.DISCUSSED, contact=member)
    Case.objects.filter(pk=item.case_id).update(consent_in_force_until=timezone.localdate() - timedelta(days=1))
    _login(client, colleague)

    page = client.get(f"/moten/{started.pk}/").content.decode()

    assert item.case.child.full_name not in page
    assert "Samordning" not in page  # nor its minutes
    assert _shown("A case you do not have access to") in page
    assert not AccessLogEntry.objects.filter(user_id=colleague.pk, object_type="cases.child").exists()


def test_it_offers_the_coordinator_the_meeting_tools(client, coordinator, item):
    _login(client, coordinator)

    page = client.get(f"/moten/{item.meeting_id}/").content.decode()

    for path in ["flytta/", "stall-in/", "dagordning/las/", "narvaro/"]:
        assert f"/moten/{item.meeting_id}/{path}" in page
    # The minutes come once the meeting has started.
    assert f"/moten/{item.meeting_id}/dagordning/{item.pk}/protokoll/" not in page


def test_it_offers_the_coordinator_the_minutes_once_the_meeting_has_started(client, coordinator, item):
    Meeting.objects.filter(pk=item.meeting_id).update(starts_at=timezone.now() - timedelta(minutes=5))
    _login(client, coordinator)

    page = client.get(f"/moten/{item.meeting_id}/").content.decode()

    assert f"/moten/{item.meeting_id}/dagordning/{item.pk}/protokoll/" in page


def test_it_offers_a_member_none_of_the_coordinators_tools(client, colleague, item):
    _login(client, colleague)

    page = client.get(f"/moten/{item.meeting_id}/").content.decode()

    for path in ["flytta/", "stall-in/", "dagordning/las/", "narvaro/", f"dagordning/{item.pk}/protokoll/", "stang/"]:
        assert f"/moten/{item.meeting_id}/{path}" not in page


@pytest.mark.parametrize("count", [1, 5])
def test_it_loads_an_upcoming_meeting_in_constant_queries(
    client, django_assert_num_queries, member, coordinator, meeting, count
):
    for _ in range(count):
        _case_on(meeting, member)
    ready = _case_on(meeting, member)
    AgendaItem.objects.filter(pk=ready.pk).delete()
    Case.objects.filter(pk=ready.case_id).update(status=CaseStatus.READY)
    _login(client, coordinator)
    # user; the visible meeting with team, area, municipality and closer (the policy's filter in the
    # same query); prefetches: items with case, child, contact person, adder and deadline, their
    # actions, addenda, present members; the coordinator's membership (log context, then cached for
    # the permissions), access-log insert for the meeting; which cases the viewer sees; the ready
    # cases with their children; one insert for the children named; unread notices for the header
    with django_assert_num_queries(12):
        client.get(f"/moten/{meeting.pk}/")


@pytest.mark.parametrize("count", [1, 5])
def test_it_loads_closed_minutes_in_constant_queries(
    client, django_assert_num_queries, member, coordinator, started, count
):
    for _ in range(count):
        item = _case_on(started, member, state=ItemState.DISCUSSED, contact=member, actions=2)
        MinutesAddendum.objects.create(meeting=started, item=item, text="Rättelse", author=coordinator)
    started.present.add(member, coordinator)
    started.status = MeetingStatus.CLOSED
    started.save()
    _login(client, coordinator)
    # as above, without the ready cases (a closed meeting takes no cases)
    with django_assert_num_queries(11):
        client.get(f"/moten/{started.pk}/")


# --- The agenda -------------------------------------------------------------------------------------


def test_it_locks_the_agenda_for_the_coordinator(client, coordinator, meeting):
    _login(client, coordinator)

    response = client.post(f"/moten/{meeting.pk}/dagordning/las/", {"action": "lock"})

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.agenda_locked_at is not None


def test_it_takes_a_case_off_the_agenda_for_the_member_who_added_it(client, member, item):
    _login(client, member)

    response = client.post(f"/moten/{item.meeting_id}/dagordning/{item.pk}/ta-bort/")

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.REMOVED


def test_it_tells_a_colleague_they_cannot_take_off_a_case_they_did_not_add(client, colleague, item):
    _login(client, colleague)

    response = client.post(f"/moten/{item.meeting_id}/dagordning/{item.pk}/ta-bort/")

    assert response.status_code == 200
    assert _shown("Only the coordinator or the person who put the case on the agenda can take it off.") in (
        response.content.decode()
    )
    item.refresh_from_db()
    assert item.state == ItemState.PLANNED


def test_it_saves_guests_and_family_for_an_item(client, colleague, item):
    _login(client, colleague)

    client.post(f"/moten/{item.meeting_id}/dagordning/{item.pk}/", {"guests": "Kurator", "family_attends": "on"})

    item.refresh_from_db()
    assert (item.guests, item.family_attends) == ("Kurator", True)


# --- Putting a case on an agenda --------------------------------------------------------------------


def test_it_offers_to_put_a_ready_case_on_an_agenda(client, member, consented_case, meeting):
    _login(client, member)

    page = client.get(f"/arenden/{consented_case.pk}/").content.decode()

    assert f"/arenden/{consented_case.pk}/dagordning/" in page


def test_it_puts_a_case_on_an_agenda_from_the_form(client, member, consented_case, meeting):
    _login(client, member)

    response = client.post(
        f"/arenden/{consented_case.pk}/dagordning/",
        {"meeting": str(meeting.pk), "guests": "Skolsköterska", "family_attends": "on"},
    )

    assert response.status_code == 302
    item = AgendaItem.objects.get(case=consented_case)
    assert (item.meeting, item.guests, item.family_attends) == (meeting, "Skolsköterska", True)


def test_it_answers_a_double_submission_with_a_message(client, member, consented_case, meeting):
    _login(client, member)
    data = {"meeting": str(meeting.pk)}
    client.post(f"/arenden/{consented_case.pk}/dagordning/", data)

    response = client.post(f"/arenden/{consented_case.pk}/dagordning/", data, follow=True)

    message = _shown(
        "The case is already on the agenda of the meeting on %(date)s.", date=meeting_day(meeting).isoformat()
    )
    assert message in response.content.decode()
    assert AgendaItem.objects.filter(case=consented_case).count() == 1


def test_it_asks_only_the_coordinator_for_a_late_reason_after_the_cut_off(
    client, member, coordinator, consented_case, team
):
    MeetingFactory(team=team, day=timezone.localdate() + timedelta(days=3))  # its agenda closed 4 days ago
    _login(client, member)
    assert 'name="late_reason"' not in client.get(f"/arenden/{consented_case.pk}/dagordning/").content.decode()

    _login(client, coordinator)
    assert 'name="late_reason"' in client.get(f"/arenden/{consented_case.pk}/dagordning/").content.decode()


def test_it_shows_the_meeting_on_the_case_page(client, member, item):
    _login(client, member)

    page = client.get(f"/arenden/{item.case_id}/").content.decode()

    assert f"/moten/{item.meeting_id}/" in page


def test_it_shows_the_contact_person_and_the_feedback_due_date_on_the_case_page(
    client, member, colleague, coordinator, started, monkeypatch
):
    monkeypatch.setattr(services.feedback_letter_render_task, "delay", lambda pk: None)
    item = _case_on(started, member, state=ItemState.DISCUSSED, contact=colleague)
    services.meeting_close(meeting=started, actor=coordinator, now=timezone.now())
    item.refresh_from_db()
    _login(client, member)

    page = client.get(f"/arenden/{item.case_id}/").content.decode()

    assert colleague.full_name in page
    assert item.deadline.due_date.isoformat() in page


# --- Minutes and closing ----------------------------------------------------------------------------


def _minutes_data(item, contact, unit, kind, **overrides):
    data = {
        "summary": "Oro för frånvaro.",
        "proposal": "Ett gemensamt möte med skolan.",
        "offer_joint_meeting": "on",
        "offer_other": "",
        "contact_person": str(contact.pk),
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
        "actions-0-intervention_type": str(kind.pk),
        "actions-0-description": "Anpassat stöd",
        "actions-0-responsible_unit": str(unit.pk),
        "actions-0-responsible_person": "",
        "actions-0-for_family": "on",
        "actions-1-for_family": "on",
        "actions-2-for_family": "on",
        **overrides,
    }
    return data


def test_it_records_the_minutes_from_the_form(client, coordinator, member, started):
    item = _case_on(started, member)
    _login(client, coordinator)

    response = client.post(
        f"/moten/{started.pk}/dagordning/{item.pk}/protokoll/",
        _minutes_data(item, member, item.case.initiator_unit, InterventionType.objects.first()),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.contact_person) == (ItemState.DISCUSSED, member)
    assert list(item.actions.values_list("description", flat=True)) == ["Anpassat stöd"]


def test_it_reminds_that_documentation_belongs_in_each_organisations_records(client, coordinator, member, started):
    item = _case_on(started, member)
    _login(client, coordinator)

    page = client.get(f"/moten/{started.pk}/dagordning/{item.pk}/protokoll/").content.decode()

    reminder = (
        "These are the team's coordination notes. Documentation belongs in each organisation's own record "
        "system: write only what the team needs to coordinate."
    )
    with translation.override("sv"):  # a {% translate %} literal is not HTML-escaped
        assert gettext(reminder) in page


def test_it_names_the_case_without_contact_person_on_the_close_page(client, coordinator, member, started):
    item = _case_on(started, member, state=ItemState.DISCUSSED)
    _login(client, coordinator)

    response = client.post(f"/moten/{started.pk}/stang/")

    assert response.status_code == 200
    assert item.case.child.full_name in response.content.decode()
    started.refresh_from_db()
    assert started.status == MeetingStatus.PLANNED
    assert item.case.child.full_name not in str(response.cookies.get("messages", ""))


def test_it_closes_the_minutes_from_the_close_page(client, coordinator, member, started, monkeypatch):
    monkeypatch.setattr(services.feedback_letter_render_task, "delay", lambda pk: None)
    _case_on(started, member, state=ItemState.DISCUSSED, contact=member)
    _login(client, coordinator)

    response = client.post(f"/moten/{started.pk}/stang/")

    assert response.status_code == 302
    started.refresh_from_db()
    assert started.status == MeetingStatus.CLOSED


def test_it_sends_the_minutes_form_of_a_closed_meeting_back_to_the_meeting(client, coordinator, member, started):
    item = _case_on(started, member, state=ItemState.DISCUSSED, contact=member)
    started.status = MeetingStatus.CLOSED
    started.save()
    _login(client, coordinator)

    response = client.get(f"/moten/{started.pk}/dagordning/{item.pk}/protokoll/")

    assert response.status_code == 302


def test_it_adds_an_addendum_from_the_meeting_page(client, colleague, member, started):
    item = _case_on(started, member, state=ItemState.DISCUSSED, contact=member)
    started.status = MeetingStatus.CLOSED
    started.save()
    _login(client, colleague)

    response = client.post(f"/moten/{started.pk}/tillagg/", {"item": str(item.pk), "text": "Rättelse"})

    assert response.status_code == 302
    addendum = MinutesAddendum.objects.get()
    assert (addendum.author, addendum.item, addendum.text) == (colleague, item, "Rättelse")
