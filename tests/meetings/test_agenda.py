"""The agenda rules: which cases go on a meeting, until when, by whom, and how they leave it.

`meeting` is two weeks ahead at 13:00 and its agenda closes a week before; `consented_case` is
ready for a meeting with consent in force for a year. Times are passed to the services as `now`,
so the cut-off is tested one minute before and at the moment it passes.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStatus, ClosureReason
from cases.services import case_close
from consent.models import Consent, WithdrawalMethod
from consent.services import consent_withdraw
from meetings.models import AgendaItem, ItemState, RemovalReason
from meetings.services import (
    DOWN,
    UP,
    agenda_item_add,
    agenda_item_remove,
    agenda_item_update,
    agenda_lock,
    agenda_reorder,
    agenda_unlock,
    meeting_day,
)
from notifications.models import Kind, Notification
from tests.factories import AdultFactory, CaseFactory, MeetingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def meeting(team):
    return MeetingFactory(team=team)


def _ready_case(team, initiator, consented_case):
    """Another ready case in `team`, its consent in force as long as `consented_case`'s."""
    case = CaseFactory(team=team, initiator=initiator, initiator_unit=consented_case.initiator_unit)
    AdultFactory(case=case)
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.READY, consent_in_force_until=consented_case.consent_in_force_until
    )
    case.refresh_from_db()
    return case


def _add(meeting, case, actor, **kwargs):
    return agenda_item_add(meeting=meeting, case=case, actor=actor, now=kwargs.pop("now", timezone.now()), **kwargs)


def _refusal(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return " ".join(caught.value.messages)


# --- Adding -----------------------------------------------------------------------------------------


def test_it_puts_a_ready_case_on_the_agenda(meeting, consented_case, member):
    item = _add(meeting, consented_case, member, guests="Skolsköterska", family_attends=True)

    consented_case.refresh_from_db()
    assert consented_case.status == CaseStatus.ON_AGENDA
    assert (item.state, item.position, item.added_by, item.guests, item.family_attends) == (
        ItemState.PLANNED,
        1,
        member,
        "Skolsköterska",
        True,
    )
    event = CaseEvent.objects.get(case=consented_case, action="agenda.add")
    assert event.details["meeting_id"] == str(meeting.pk)


def test_it_puts_each_new_case_last(meeting, consented_case, member, team):
    second = _ready_case(team, member, consented_case)
    _add(meeting, consented_case, member)

    item = _add(meeting, second, member)

    assert item.position == 2


def test_it_refuses_a_case_without_consent_in_force(meeting, case, member):
    message = _refusal(lambda: _add(meeting, case, member))

    assert "no consent in force" in message
    assert not AgendaItem.objects.exists()


def test_it_refuses_a_case_whose_consent_ends_before_the_meeting(meeting, consented_case, member):
    day = meeting_day(meeting)
    Case.objects.filter(pk=consented_case.pk).update(consent_in_force_until=day - timedelta(days=1))
    consented_case.refresh_from_db()

    message = _refusal(lambda: _add(meeting, consented_case, member))

    assert "before the meeting" in message
    assert str(day) in message
    assert not AgendaItem.objects.exists()


def test_it_accepts_consent_that_lasts_through_the_meeting_day(meeting, consented_case, member):
    Case.objects.filter(pk=consented_case.pk).update(consent_in_force_until=meeting_day(meeting))
    consented_case.refresh_from_db()

    item = _add(meeting, consented_case, member)

    assert item.state == ItemState.PLANNED


def test_it_lets_a_member_add_a_minute_before_the_cut_off(meeting, consented_case, member):
    item = _add(meeting, consented_case, member, now=meeting.agenda_closes_at - timedelta(minutes=1))

    assert item.late_reason == ""


def test_it_refuses_a_member_at_the_cut_off_saying_when_the_agenda_closed(meeting, consented_case, member):
    message = _refusal(lambda: _add(meeting, consented_case, member, now=meeting.agenda_closes_at))

    assert "closed on" in message
    assert timezone.localtime(meeting.agenda_closes_at).date().isoformat() in message
    consented_case.refresh_from_db()
    assert consented_case.status == CaseStatus.READY


def test_it_asks_the_coordinator_for_a_reason_after_the_cut_off(meeting, consented_case, coordinator):
    late = meeting.agenda_closes_at + timedelta(hours=1)

    with pytest.raises(ValidationError) as caught:
        _add(meeting, consented_case, coordinator, now=late)

    assert "late_reason" in caught.value.error_dict
    assert not AgendaItem.objects.exists()


def test_it_lets_the_coordinator_add_late_with_a_reason(meeting, consented_case, coordinator):
    late = meeting.agenda_closes_at + timedelta(hours=1)

    item = _add(meeting, consented_case, coordinator, now=late, late_reason="Akut läge i skolan")

    assert item.late_reason == "Akut läge i skolan"
    assert CaseEvent.objects.get(case=consented_case, action="agenda.add").details["late"] is True


def test_it_refuses_a_member_when_the_agenda_is_locked(meeting, consented_case, member, coordinator):
    agenda_lock(meeting=meeting, actor=coordinator)

    message = _refusal(lambda: _add(meeting, consented_case, member))

    assert "locked" in message


def test_it_asks_the_coordinator_for_a_reason_on_a_locked_agenda(meeting, consented_case, coordinator):
    agenda_lock(meeting=meeting, actor=coordinator)

    with pytest.raises(ValidationError) as caught:
        _add(meeting, consented_case, coordinator)

    assert "late_reason" in caught.value.error_dict


def test_it_refuses_a_case_already_on_an_agenda(meeting, consented_case, member, team):
    later = MeetingFactory(team=team, day=meeting_day(meeting) + timedelta(days=31))
    _add(meeting, consented_case, member)
    consented_case.refresh_from_db()

    message = _refusal(lambda: _add(later, consented_case, member))

    assert "already on the agenda of the meeting on" in message
    assert meeting_day(meeting).isoformat() in message
    assert AgendaItem.objects.count() == 1


def test_it_turns_a_race_for_the_one_planned_item_into_a_message(meeting, consented_case, member, team):
    # Given another request that has just put the case on an agenda, but not yet moved the case
    later = MeetingFactory(team=team, day=meeting_day(meeting) + timedelta(days=31))
    AgendaItem.objects.create(meeting=later, case=consented_case, position=1, added_by=member)

    # When this request adds it too, then the database's constraint becomes a message
    message = _refusal(lambda: _add(meeting, consented_case, member))

    assert "just now" in message
    assert AgendaItem.objects.filter(meeting=meeting).count() == 0


def test_it_refuses_a_case_of_another_team(consented_case, member, other_team):
    foreign = MeetingFactory(team=other_team)

    message = _refusal(lambda: _add(foreign, consented_case, member))

    assert "members of the meeting's team" in message


def test_it_refuses_a_meeting_that_has_started(meeting, consented_case, member):
    message = _refusal(lambda: _add(meeting, consented_case, member, now=meeting.starts_at))

    assert "already started" in message


def test_it_refuses_a_cancelled_meeting(meeting, consented_case, member):
    meeting.status = "cancelled"
    meeting.save()

    message = _refusal(lambda: _add(meeting, consented_case, member))

    assert "cancelled" in message


# --- Taking off, changing, ordering, locking --------------------------------------------------------


def test_it_takes_a_case_off_the_agenda_and_makes_it_ready_again(meeting, consented_case, member):
    item = _add(meeting, consented_case, member)

    agenda_item_remove(item=item, actor=member)

    item.refresh_from_db()
    consented_case.refresh_from_db()
    assert (item.state, item.removal_reason) == (ItemState.REMOVED, RemovalReason.BY_USER)
    assert item.removed_at is not None
    assert consented_case.status == CaseStatus.READY


def test_it_sends_no_notice_when_a_user_takes_a_case_off(meeting, consented_case, member, coordinator):
    item = _add(meeting, consented_case, member)

    agenda_item_remove(item=item, actor=coordinator)

    assert not Notification.objects.filter(kind=Kind.AGENDA_REMOVED).exists()


def test_it_refuses_removal_by_a_member_who_did_not_add_the_case(meeting, consented_case, member, colleague):
    item = _add(meeting, consented_case, member)

    message = _refusal(lambda: agenda_item_remove(item=item, actor=colleague))

    assert "coordinator or the person who put the case on the agenda" in message
    item.refresh_from_db()
    assert item.state == ItemState.PLANNED


def test_it_lets_the_case_go_on_another_agenda_after_removal(meeting, consented_case, member, team):
    later = MeetingFactory(team=team, day=meeting_day(meeting) + timedelta(days=31))
    agenda_item_remove(item=_add(meeting, consented_case, member), actor=member)
    consented_case.refresh_from_db()

    item = _add(later, consented_case, member)

    assert item.meeting == later


def test_it_changes_the_guests_and_whether_the_family_attends(meeting, consented_case, member, colleague):
    item = _add(meeting, consented_case, member)

    agenda_item_update(item=item, actor=colleague, guests="Kurator", family_attends=True)

    item.refresh_from_db()
    assert (item.guests, item.family_attends) == ("Kurator", True)


def test_it_moves_a_case_up_the_agenda(meeting, consented_case, member, coordinator, team):
    first = _add(meeting, consented_case, member)
    second = _add(meeting, _ready_case(team, member, consented_case), member)

    agenda_reorder(item=second, actor=coordinator, direction=UP)

    order = list(meeting.items.order_by("position").values_list("pk", flat=True))
    assert order == [second.pk, first.pk]


def test_it_leaves_the_last_case_last_when_moved_down(meeting, consented_case, member, coordinator, team):
    first = _add(meeting, consented_case, member)
    second = _add(meeting, _ready_case(team, member, consented_case), member)

    agenda_reorder(item=second, actor=coordinator, direction=DOWN)

    assert list(meeting.items.order_by("position").values_list("pk", flat=True)) == [first.pk, second.pk]


def test_it_lets_only_the_coordinator_reorder(meeting, consented_case, member):
    item = _add(meeting, consented_case, member)

    message = _refusal(lambda: agenda_reorder(item=item, actor=member, direction=UP))

    assert "coordinator" in message


def test_it_locks_and_opens_the_agenda(meeting, coordinator):
    agenda_lock(meeting=meeting, actor=coordinator)
    meeting.refresh_from_db()
    assert meeting.agenda_locked_at is not None

    agenda_unlock(meeting=meeting, actor=coordinator)
    meeting.refresh_from_db()
    assert meeting.agenda_locked_at is None


def test_it_refuses_to_lock_a_locked_agenda(meeting, coordinator):
    agenda_lock(meeting=meeting, actor=coordinator)

    assert "already locked" in _refusal(lambda: agenda_lock(meeting=meeting, actor=coordinator))


def test_it_lets_only_the_coordinator_lock_the_agenda(meeting, member):
    assert "coordinator" in _refusal(lambda: agenda_lock(meeting=meeting, actor=member))


# --- Leaving the agenda with the case ---------------------------------------------------------------


def test_it_takes_the_case_off_when_consent_is_withdrawn(meeting, consented_case, member, colleague):
    item = _add(meeting, consented_case, member)
    consent = Consent.objects.filter(case=consented_case).first()

    consent_withdraw(consent=consent, actor=colleague, method=WithdrawalMethod.ORAL, today=timezone.localdate())

    item.refresh_from_db()
    consented_case.refresh_from_db()
    assert (item.state, item.removal_reason) == (ItemState.REMOVED, RemovalReason.CONSENT)
    assert consented_case.status == CaseStatus.AWAITING_CONSENT


def test_it_tells_the_coordinator_and_the_adder_once_when_consent_is_withdrawn(
    meeting, consented_case, member, colleague, coordinator
):
    item = _add(meeting, consented_case, member)
    first, second = Consent.objects.filter(case=consented_case)
    today = timezone.localdate()

    # When both guardians withdraw, one after the other
    consent_withdraw(consent=first, actor=colleague, method=WithdrawalMethod.ORAL, today=today)
    consent_withdraw(consent=second, actor=colleague, method=WithdrawalMethod.WRITTEN, today=today)

    # Then the coordinator and the member who added the case get one notice each, with no name in it
    notices = Notification.objects.filter(kind=Kind.AGENDA_REMOVED)
    assert sorted(n.recipient_id for n in notices) == sorted([member.pk, coordinator.pk])
    assert {n.key for n in notices} == {f"agenda-removed:{item.pk}"}
    assert {n.link for n in notices} == {f"/moten/{meeting.pk}/"}


def test_it_takes_the_case_off_when_the_case_is_closed(meeting, consented_case, member, coordinator):
    item = _add(meeting, consented_case, member)
    consented_case.refresh_from_db()

    case_close(case=consented_case, actor=coordinator, reason=ClosureReason.MOVED, today=timezone.localdate())

    item.refresh_from_db()
    assert (item.state, item.removal_reason) == (ItemState.REMOVED, RemovalReason.CASE_CLOSED)
    # The coordinator closed it and knows; the member who added it is told.
    assert list(Notification.objects.filter(kind=Kind.AGENDA_REMOVED).values_list("recipient", flat=True)) == [
        member.pk
    ]
