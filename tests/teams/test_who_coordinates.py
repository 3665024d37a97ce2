"""One rule for who coordinates a team, in every place that asks (issue 14): a coordinator who can
no longer log in is never told and never may. The copies this replaced disagreed: the meeting
services refused such a user, the consent exception and the feedback check let them through."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access import policy
from consent.models import ConsentException, WithdrawalMethod
from consent.services import consent_exception_grant, consent_withdraw
from meetings.feedback import feedback_may_record, feedback_open_for
from meetings.services import agenda_item_add
from notifications.models import Kind, Notification
from teams.models import Role
from teams.selectors import coordinator_users, is_coordinator
from tests.factories import MeetingFactory, MembershipFactory
from tests.feedback_helpers import discussed_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _leave(user):
    """The coordinator's account is switched off (they left the municipality); the membership stays."""
    user.is_active = False
    user.save(update_fields=["is_active"])


@pytest.fixture
def departed(team):
    user = MembershipFactory(team=team, role=Role.COORDINATOR, user__full_name="Dora Slutat").user
    _leave(user)
    return user


def test_it_names_only_the_coordinators_who_can_log_in(team, coordinator, departed):
    assert coordinator_users(team.pk) == [coordinator]
    assert is_coordinator(coordinator, team.pk)
    assert not is_coordinator(departed, team.pk)


def test_it_tells_only_the_active_coordinator_of_a_withdrawal(consented_case, member, coordinator, departed):
    consent = consented_case.consents.get(adult__first_name="Anna")

    consent_withdraw(consent=consent, actor=member, method=WithdrawalMethod.ORAL, today=timezone.localdate())

    notified = Notification.objects.filter(kind=Kind.CONSENT_WITHDRAWN).values_list("recipient", flat=True)
    assert list(notified) == [coordinator.pk]


def test_it_tells_only_the_active_coordinator_when_a_case_leaves_the_agenda(
    team, consented_case, member, colleague, coordinator, departed
):
    agenda_item_add(meeting=MeetingFactory(team=team), case=consented_case, actor=member, now=timezone.now())
    consent = consented_case.consents.get(adult__first_name="Anna")

    consent_withdraw(consent=consent, actor=colleague, method=WithdrawalMethod.ORAL, today=timezone.localdate())

    notified = Notification.objects.filter(kind=Kind.AGENDA_REMOVED).values_list("recipient", flat=True)
    assert sorted(notified) == sorted([member.pk, coordinator.pk])


def test_it_refuses_a_consent_exception_from_a_coordinator_who_has_left(case, member, departed):
    bertil = case.adults.get(first_name="Bertil")

    with pytest.raises(ValidationError) as refused:
        consent_exception_grant(case=case, actor=departed, adult=bertil, reason="Ej nåbar", today=timezone.localdate())

    assert refused.value.messages == ["Only the team's coordinator can approve an exception."]
    assert not ConsentException.objects.exists()


def test_it_refuses_the_feedback_to_a_coordinator_who_has_left(consented_case, member, coordinator, departed):
    item = discussed_item(consented_case, contact=member, day=timezone.localdate() - timedelta(days=3))

    assert feedback_may_record(coordinator, item)
    assert not feedback_may_record(departed, item)
    assert feedback_open_for(departed, now=timezone.now() + timedelta(days=30)) == []


def test_it_lets_a_coordinator_who_has_left_manage_nothing(team, departed):
    meeting = MeetingFactory(team=team)

    assert not policy.permits(departed, policy.MANAGE, team)
    assert not policy.permits(departed, policy.MANAGE, meeting)
