"""Recording the one-week feedback, and "Mina återkopplingar".

The item: `consented_case` discussed at a meeting three days ago, `member` (its initiator) as the
contact person, the feedback due in four days.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import Case, CaseStatus
from meetings.feedback import feedback_record
from meetings.models import AgendaItem, FamilyAnswer, FeedbackMethod
from tests.feedback_helpers import closed_meeting, consented_case_of, discussed_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def item(consented_case, member):
    return discussed_item(consented_case, contact=member, day=timezone.localdate() - timedelta(days=3))


def _record(item, actor, **overrides):
    today = timezone.localdate()
    values = {
        "given_on": today,
        "method": FeedbackMethod.PHONE,
        "answer": FamilyAnswer.ACCEPTED,
        "note": "Vill träffas efter lovet.",
        "today": today,
    }
    return feedback_record(item=item, actor=actor, **{**values, **overrides})


def _form(**overrides):
    return {
        "given_on": timezone.localdate().isoformat(),
        "method": FeedbackMethod.MEETING,
        "answer": FamilyAnswer.THINKING,
        "note": "",
        **overrides,
    }


def _feedback_events(case) -> int:
    return case.events.filter(action="feedback.record").count()


# --- The service -------------------------------------------------------------------------------------


def test_it_meets_the_deadline(item, member):
    _record(item, member)

    item.deadline.refresh_from_db()
    assert item.deadline.completed_at is not None
    assert item.deadline.completed_by == member
    assert item.deadline.next_step_at is None


def test_it_records_when_how_and_the_familys_answer(item, member):
    _record(item, member, method=FeedbackMethod.LETTER, answer=FamilyAnswer.PARTLY)

    item.refresh_from_db()
    assert (item.feedback_on, item.feedback_method, item.feedback_answer, item.feedback_recorded_by) == (
        timezone.localdate(),
        FeedbackMethod.LETTER,
        FamilyAnswer.PARTLY,
        member,
    )


def test_it_moves_the_case_to_feedback_given(item, member):
    _record(item, member)

    assert Case.objects.get(pk=item.case_id).status == CaseStatus.FEEDBACK_GIVEN


def test_it_writes_the_feedback_into_the_timeline_with_codes_only(item, member):
    _record(item, member)

    event = item.case.events.get(action="feedback.record")
    assert event.actor == member
    assert event.details == {
        "item_id": item.pk,
        "deadline_id": item.deadline_id,
        "method": FeedbackMethod.PHONE,
        "answer": FamilyAnswer.ACCEPTED,
        "on_time": True,
    }


def test_it_refuses_feedback_dated_before_the_meeting(item, member):
    with pytest.raises(ValidationError) as refused:
        _record(item, member, given_on=timezone.localdate() - timedelta(days=4))

    assert "before the meeting" in str(refused.value.message_dict["given_on"])
    item.deadline.refresh_from_db()
    assert item.deadline.completed_at is None
    assert Case.objects.get(pk=item.case_id).status == CaseStatus.DISCUSSED


def test_it_accepts_feedback_given_on_the_day_of_the_meeting(item, member):
    _record(item, member, given_on=timezone.localdate() - timedelta(days=3))

    assert AgendaItem.objects.get(pk=item.pk).feedback_on == timezone.localdate() - timedelta(days=3)


def test_it_refuses_feedback_dated_in_the_future(item, member):
    with pytest.raises(ValidationError) as refused:
        _record(item, member, given_on=timezone.localdate() + timedelta(days=1))

    assert "in the future" in str(refused.value.message_dict["given_on"])
    assert AgendaItem.objects.get(pk=item.pk).feedback_on is None


def test_it_refuses_a_second_recording_and_changes_nothing(item, member, coordinator):
    _record(item, member)

    with pytest.raises(ValidationError, match="already been recorded"):
        _record(item, coordinator, method=FeedbackMethod.DIGITAL)

    item.refresh_from_db()
    assert (item.feedback_method, item.feedback_recorded_by) == (FeedbackMethod.PHONE, member)
    assert _feedback_events(item.case) == 1


def test_it_refuses_a_team_member_who_is_not_the_contact_person(item, colleague):
    with pytest.raises(ValidationError, match="contact person"):
        _record(item, colleague)


def test_it_refuses_feedback_before_the_minutes_are_closed(item, member):
    AgendaItem.objects.filter(pk=item.pk).update(deadline=None)
    item.refresh_from_db()

    with pytest.raises(ValidationError, match="not closed"):
        _record(item, member)


# --- The form page -----------------------------------------------------------------------------------


def test_it_records_the_feedback_and_returns_to_my_feedback(client, item, member):
    client.force_login(member)

    response = client.post(f"/aterkopplingar/{item.pk}/", _form(), follow=True)

    assert response.redirect_chain == [("/aterkopplingar/", 302)]
    assert "The feedback is recorded" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).feedback_method == FeedbackMethod.MEETING


def test_it_shows_a_message_when_the_form_is_sent_twice(client, item, member):
    client.force_login(member)
    client.post(f"/aterkopplingar/{item.pk}/", _form())

    response = client.post(f"/aterkopplingar/{item.pk}/", _form(method=FeedbackMethod.DIGITAL))

    assert response.status_code == 200
    assert "already been recorded" in response.content.decode()
    assert _feedback_events(item.case) == 1
    assert AgendaItem.objects.get(pk=item.pk).feedback_method == FeedbackMethod.MEETING


def test_it_shows_why_a_date_before_the_meeting_is_refused(client, item, member):
    client.force_login(member)
    early = (timezone.localdate() - timedelta(days=10)).isoformat()

    response = client.post(f"/aterkopplingar/{item.pk}/", _form(given_on=early))

    assert response.status_code == 200
    assert "before the meeting" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).feedback_on is None


def test_it_shows_a_message_for_a_date_that_is_no_date(client, item, member):
    client.force_login(member)

    response = client.post(f"/aterkopplingar/{item.pk}/", _form(given_on="2027-02-31"))

    assert response.status_code == 200
    assert AgendaItem.objects.get(pk=item.pk).feedback_on is None


def test_it_offers_today_as_the_date_and_shows_the_deadline_and_the_letter(client, item, member):
    client.force_login(member)

    page = client.get(f"/aterkopplingar/{item.pk}/").content.decode()

    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert item.deadline.due_date.isoformat() in page
    assert f"/aterkopplingar/{item.pk}/brev.pdf" in page


def test_it_lets_the_coordinator_record_the_feedback(client, item, coordinator):
    client.force_login(coordinator)

    response = client.post(f"/aterkopplingar/{item.pk}/", _form())

    assert response.status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).feedback_recorded_by == coordinator


def test_it_refuses_a_colleague_who_is_not_the_contact_person(client, item, colleague):
    client.force_login(colleague)

    response = client.post(f"/aterkopplingar/{item.pk}/", _form())

    assert response.status_code == 403
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user_id, entry.action, entry.outcome, entry.child_id) == (
        colleague.pk,
        LogAction.UPDATE,
        Outcome.DENIED,
        item.case.child_id,
    )
    assert AgendaItem.objects.get(pk=item.pk).feedback_on is None


def test_it_hides_the_item_from_an_outsider(client, item, outsider):
    client.force_login(outsider)

    assert client.get(f"/aterkopplingar/{item.pk}/").status_code == 404
    assert AccessLogEntry.objects.filter(user_id=outsider.pk, outcome=Outcome.DENIED).count() == 1


def test_it_logs_a_refusal_for_an_item_that_does_not_exist(client, member):
    client.force_login(member)

    response = client.get("/aterkopplingar/999999/")

    assert response.status_code == 404
    entry = AccessLogEntry.objects.get(user_id=member.pk)
    assert (entry.object_type, entry.object_id, entry.outcome) == ("meetings.agendaitem", "999999", Outcome.DENIED)


# --- Mina återkopplingar -----------------------------------------------------------------------------


def _page(client, user) -> str:
    client.force_login(user)
    return client.get("/aterkopplingar/").content.decode()


def test_it_lists_my_open_feedback_with_the_child_and_the_due_date(client, item, member):
    page = _page(client, member)

    assert item.case.child.full_name in page
    assert item.deadline.due_date.isoformat() in page
    assert "4 days left" in page
    assert f"/aterkopplingar/{item.pk}/" in page


def test_it_lists_the_soonest_deadline_first(client, item, member, team):
    sooner = discussed_item(
        consented_case_of(team, member), contact=member, meeting=item.meeting, due_date=timezone.localdate()
    )

    page = _page(client, member)

    assert page.index(sooner.case.child.full_name) < page.index(item.case.child.full_name)


def test_it_says_in_words_that_a_feedback_is_overdue(client, consented_case, member):
    discussed_item(consented_case, contact=member, day=timezone.localdate() - timedelta(days=8))

    page = _page(client, member)

    assert "Overdue" in page


def test_it_no_longer_lists_a_feedback_once_given(client, item, member):
    _record(item, member)

    page = _page(client, member)

    assert item.case.child.full_name not in page
    assert "You have no feedback waiting" in page


def test_it_does_not_list_someone_elses_feedback_to_a_member(client, item, colleague):
    assert item.case.child.full_name not in _page(client, colleague)


def test_it_shows_the_coordinator_the_overdue_feedback_of_their_team(client, consented_case, member, coordinator):
    late = discussed_item(consented_case, contact=member, day=timezone.localdate() - timedelta(days=8))

    page = _page(client, coordinator)

    assert "Overdue in the teams you coordinate" in page
    assert late.case.child.full_name in page
    assert member.full_name in page


def test_it_does_not_show_the_coordinator_feedback_that_is_not_yet_overdue(client, item, coordinator):
    assert item.case.child.full_name not in _page(client, coordinator)


def test_it_does_not_list_a_case_the_contact_person_may_no_longer_see(client, item, colleague):
    # A colleague (not the initiator) is contact person; then the consent lapses.
    item.deadline.responsible = colleague
    item.deadline.save()
    Case.objects.filter(pk=item.case_id).update(consent_in_force_until=None)

    assert item.case.child.full_name not in _page(client, colleague)


def test_it_logs_the_list_and_each_child_it_names(client, item, member, team):
    other = discussed_item(consented_case_of(team, member), contact=member, meeting=item.meeting)

    _page(client, member)

    entries = AccessLogEntry.objects.filter(user_id=member.pk, action=LogAction.LIST, outcome=Outcome.ALLOWED)
    assert entries.count() == 2
    assert sorted(entries.values_list("child_id", flat=True)) == sorted([item.case.child_id, other.case.child_id])


def test_it_logs_nothing_for_an_empty_list(client, member):
    _page(client, member)

    assert not AccessLogEntry.objects.filter(user_id=member.pk).exists()


@pytest.mark.parametrize("count", [1, 5])
def test_it_loads_my_feedback_in_constant_queries(client, django_assert_num_queries, member, team, count):
    meeting = closed_meeting(team, day=timezone.localdate() - timedelta(days=3))
    for _ in range(count):
        discussed_item(consented_case_of(team, member), contact=member, meeting=meeting)
    client.force_login(member)
    client.get("/")
    # user; the open deadlines with item, meeting, team, case, child and contact person (one query,
    # the policy's filter and the coordinator's teams as subqueries); one access-log insert for the
    # children it names; unread notices for the header
    with django_assert_num_queries(4):
        response = client.get("/aterkopplingar/")
    assert response.content.decode().count("/brev.pdf") == count


# --- Who may open what -------------------------------------------------------------------------------

STATUSES = {
    # persona: (my feedback, record the feedback, the letter)
    "anonymous": (302, 302, 302),
    "member": (200, 200, 200),  # the contact person
    "colleague": (200, 403, 200),
    "coordinator": (200, 200, 200),
    "outsider": (200, 404, 404),
    "process_leader": (200, 404, 404),
    "regional_leader": (200, 404, 404),
    "admin": (200, 404, 404),
}


@pytest.mark.parametrize("persona", list(STATUSES))
def test_it_answers_each_persona_as_the_policy_says(client, personas, item, private_dir, persona):
    if persona != "anonymous":
        client.force_login(personas[persona])

    statuses = tuple(
        client.get(path).status_code
        for path in ("/aterkopplingar/", f"/aterkopplingar/{item.pk}/", f"/aterkopplingar/{item.pk}/brev.pdf")
    )

    assert statuses == STATUSES[persona]
