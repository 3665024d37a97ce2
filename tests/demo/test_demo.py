from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from access import policy
from accounts.models import User
from cases.deadlines import deadline_sweep
from cases.identity import parse_national_id
from cases.models import (
    Adult,
    Case,
    CaseEvent,
    CaseStatus,
    Child,
    ClosureReason,
    Deadline,
    DeadlineKind,
    ProtectionLevel,
)
from consent.models import Consent, ConsentException, Method
from consent.selectors import GuardianState, consent_state
from dashboards.models import TeamMonth
from demo.cases import DEMO_CASES, TODAY_STORIES, demo_personnummer
from demo.seed import DEMO_ACCOUNTS, WORK_PHONES, _spec, seed_demo
from demo.statistics import AREA_FIGURES, STATISTICS_REASON
from meetings.models import AgendaItem, ItemState, Meeting, MeetingStatus
from notifications.models import Kind, Notification
from support.models import FollowUp, Intervention
from teams.models import Area, Municipality, Region, Team

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _demo_counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            User,
            Team,
            Child,
            Adult,
            Case,
            Consent,
            ConsentException,
            CaseEvent,
            Meeting,
            AgendaItem,
            Deadline,
        )
    )


def _demo_case(story: str) -> Case:
    spec = _spec(story)
    return Case.objects.select_related("child", "initiator", "team").get(child__identity_number=spec.number)


def test_it_seeds_vasterbotten_with_umeas_eight_areas(settings):
    settings.HLT_DEMO = True
    call_command("seed_demo")
    assert Municipality.objects.count() == 15
    umea_areas = set(Area.objects.filter(municipality__name="Umeå").values_list("name", flat=True))
    assert umea_areas == {"Ålidhem", "Holmsund", "Mariehem", "Ersboda", "Teg", "Hörnefors", "Backen", "Sävar"}
    assert Team.objects.filter(area__municipality__name__in=["Åsele", "Vindeln", "Vännäs", "Lycksele"]).count() == 4
    assert Team.objects.filter(name="HLT Anderstorp").exists()


def test_it_can_be_run_twice_without_duplicates(settings):
    settings.HLT_DEMO = True
    call_command("seed_demo")
    counts = _demo_counts(), Intervention.objects.count(), FollowUp.objects.count(), TeamMonth.objects.count()
    call_command("seed_demo")
    assert (_demo_counts(), Intervention.objects.count(), FollowUp.objects.count(), TeamMonth.objects.count()) == counts
    assert Case.objects.exclude(reason_description=STATISTICS_REASON).count() == len(DEMO_CASES)
    assert Case.objects.filter(reason_description=STATISTICS_REASON).count() == sum(
        cases for cases, _punctuality in AREA_FIGURES.values()
    )


def test_it_reports_the_case_count():
    summary = seed_demo()
    assert summary["cases"] == len(DEMO_CASES) == Case.objects.count()
    assert seed_demo() == summary


def test_the_demo_cases_are_in_the_alidhem_team_of_the_demo_accounts():
    seed_demo()
    assert set(Case.objects.values_list("team__name", flat=True)) == {"HLT Ålidhem"}
    member = User.objects.get(email="medlem@hlt.example")
    coordinator = User.objects.get(email="sammankallande@hlt.example")
    # The coordinator sees every case; the member every case in force and every case they initiated.
    assert policy.visible(coordinator, Case).count() == len(DEMO_CASES)
    assert policy.visible(member, Case).count() == len(DEMO_CASES)


def test_a_case_awaits_the_second_guardians_consent():
    seed_demo()
    case = _demo_case("awaiting_consent")
    assert case.status == CaseStatus.AWAITING_CONSENT
    assert case.initiator.email == "medlem@hlt.example"
    states = [g.state for g in consent_state(case, today=timezone.localdate()).guardians]
    assert sorted(states) == sorted([GuardianState.CONSENTED, GuardianState.PENDING])


def test_a_case_is_ready_with_both_guardians_paper_consent():
    seed_demo()
    case = _demo_case("ready")
    assert case.status == CaseStatus.READY
    state = consent_state(case, today=timezone.localdate())
    assert [g.state for g in state.guardians] == [GuardianState.CONSENTED] * 2
    assert {g.consent.method for g in state.guardians} == {Method.PAPER}
    assert not case.consent_exceptions.exists()
    assert not Consent.objects.exclude(document="").exists()  # the demo uploads no files


def test_a_guardian_withdrew_and_the_case_waits_again():
    seed_demo()
    case = _demo_case("withdrawn")
    assert case.status == CaseStatus.AWAITING_CONSENT
    assert case.consent_in_force_until is None
    assert case.consents.filter(withdrawn_at__isnull=False).count() == 1
    assert GuardianState.WITHDRAWN in [g.state for g in consent_state(case, today=timezone.localdate()).guardians]


def test_the_coordinator_approved_an_exception_for_an_unreachable_guardian():
    seed_demo()
    case = _demo_case("exception")
    assert case.status == CaseStatus.READY
    exception = case.consent_exceptions.get()
    assert exception.approved_by.email == "sammankallande@hlt.example"
    assert exception.reason
    assert exception.adult.phone == exception.adult.email == ""


def test_a_protected_childs_school_is_shown_to_named_users_only():
    seed_demo()
    case = _demo_case("protected")
    assert case.child.protection == ProtectionLevel.CONFIDENTIALITY_MARKING
    assert case.school_unit is not None
    assert case.status == CaseStatus.READY
    member = User.objects.get(email="medlem@hlt.example")
    coordinator = User.objects.get(email="sammankallande@hlt.example")
    assert policy.permits(member, policy.VIEW, case)
    assert not policy.permits(member, policy.VIEW_PROTECTED, case)
    assert policy.permits(coordinator, policy.VIEW_PROTECTED, case)


def test_a_consent_ends_within_the_reminder_window_and_the_sweep_reminds(settings):
    seed_demo()
    today = timezone.localdate()
    case = _demo_case("expiring")
    assert case.status == CaseStatus.READY
    assert today <= case.consent_in_force_until <= today + timedelta(days=settings.HLT_CONSENT_REMINDER_DAYS)
    assert case.consents.filter(valid_from__lte=today - timedelta(days=300)).exists()
    deadline_sweep(now=timezone.now())
    reminded = set(Notification.objects.filter(kind=Kind.CONSENT_EXPIRING).values_list("key", flat=True))
    assert reminded == {f"consent-expiring:{case.pk}:{case.consent_in_force_until.isoformat()}"}


def test_a_case_is_closed_with_a_reason():
    seed_demo()
    case = _demo_case("closed")
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == ClosureReason.MOVED
    assert case.closed_on is not None


def test_every_demo_identity_number_is_in_skatteverkets_test_series():
    seed_demo()
    numbers = [*Child.objects.values_list("identity_number", flat=True)]
    numbers += Adult.objects.exclude(identity_number="").values_list("identity_number", flat=True)
    assert len(numbers) == Child.objects.count() + Adult.objects.count()
    for number in numbers:
        identity = parse_national_id(number, today=timezone.localdate())
        assert identity.number == number
        assert 980 <= int(number[8:11]) <= 999, number


def test_the_demo_refuses_serials_outside_the_test_series():
    with pytest.raises(ValueError, match="test series"):
        demo_personnummer("20170314", 123)


def test_it_gives_every_demo_account_a_password_and_two_factor(settings):
    settings.HLT_DEMO = True
    call_command("seed_demo")
    for email, _name, _role in DEMO_ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.has_usable_password()
        assert user.authenticator_set.filter(type="totp").exists()


def test_it_refuses_to_seed_outside_demo_mode(settings):
    settings.HLT_DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_refuses_to_print_demo_codes_outside_demo_mode(settings):
    settings.HLT_DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo_accounts")


def test_it_prints_the_demo_accounts_and_a_code(settings, capsys):
    settings.HLT_DEMO = True
    call_command("demo_accounts")
    out = capsys.readouterr().out
    assert "medlem@hlt.example" in out
    assert "Current two-factor code" in out


def test_every_team_meets_monthly_on_a_schedule_with_meetings_ahead():
    seed_demo()
    now = timezone.now()
    for team in Team.objects.all():
        assert team.schedule.is_active
        assert team.meetings.filter(starts_at__gt=now, status=MeetingStatus.PLANNED).count() >= 5


def test_a_case_waits_on_the_agenda_of_the_next_meeting():
    seed_demo()
    case = _demo_case("on_agenda")
    item = case.agenda_items.get(state=ItemState.PLANNED)
    assert case.status == CaseStatus.ON_AGENDA
    assert item.meeting.starts_at > timezone.now()
    assert item.family_attends


def test_the_last_meeting_was_closed_and_its_feedback_is_due_within_the_week():
    seed_demo()
    case = _demo_case("feedback_due")
    item = case.agenda_items.get(state=ItemState.DISCUSSED)
    assert case.status == CaseStatus.DISCUSSED
    assert item.meeting.status == MeetingStatus.CLOSED
    assert item.contact_person.email == "medlem@hlt.example"
    assert item.deadline.is_open
    assert item.deadline.due_date >= timezone.localdate()
    assert item.deadline.due_date == timezone.localdate(item.meeting.starts_at) + timedelta(days=7)


def _meeting_under_way() -> Meeting:
    """The meeting the cases of today's stories wait on."""
    meetings = {_demo_case(story).agenda_items.get().meeting for story in TODAY_STORIES}
    assert len(meetings) == 1
    return meetings.pop()


def _assert_under_way_today(meeting: Meeting) -> None:
    assert timezone.localdate(meeting.starts_at) == timezone.localdate()
    assert meeting.starts_at <= timezone.now()
    assert meeting.status == MeetingStatus.PLANNED  # the minutes are open
    items = meeting.items.all()
    assert [item.state for item in items] == [ItemState.PLANNED] * len(TODAY_STORIES)


def test_this_months_meeting_is_under_way_today_with_cases_waiting_for_their_minutes(client):
    # Given the seeded demo
    seed_demo()
    meeting = _meeting_under_way()

    # Then Ålidhem's meeting of this month started today and its minutes are open
    assert meeting.team.name == "HLT Ålidhem"
    assert meeting.month == timezone.localdate().replace(day=1)
    _assert_under_way_today(meeting)

    # And the coordinator who opens it can record the minutes for each child on its agenda
    client.force_login(User.objects.get(email="sammankallande@hlt.example"))
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    for item in meeting.items.select_related("case__child"):
        assert item.case.child.full_name in page
        assert reverse("meetings:minutes", args=[meeting.pk, item.pk]) in page


def test_a_later_run_of_the_seed_brings_the_meeting_under_way_to_that_day():
    # Given the demo seeded on one day, and seeded again in a later month on the day Ålidhem's own
    # April meeting is held (its schedule: the second Monday, 13:00)
    with time_machine.travel(datetime(2026, 3, 18, 10, 0, tzinfo=STOCKHOLM), tick=False):
        seed_demo()
    with time_machine.travel(datetime(2026, 4, 13, 10, 0, tzinfo=STOCKHOLM), tick=False):
        seed_demo()

        # Then the same meeting, its minutes still open, is under way on the later day
        meeting = _meeting_under_way()
        assert timezone.localdate(meeting.starts_at) == date(2026, 4, 13)
        _assert_under_way_today(meeting)

    # And it is still March's meeting, moved (a month has one meeting): April keeps its own, which
    # it ends before
    assert meeting.month == date(2026, 3, 1)
    april = Meeting.objects.exclude(pk=meeting.pk).get(team=meeting.team, month=date(2026, 4, 1))
    assert timezone.localdate(april.starts_at) == date(2026, 4, 13)
    assert meeting.ends_at <= april.starts_at
    assert Case.objects.count() == len(DEMO_CASES)


def test_the_meeting_a_few_days_ago_was_last_months():
    seed_demo()
    meeting = _demo_case("feedback_due").agenda_items.get().meeting
    this_month = timezone.localdate().replace(day=1)
    assert meeting.month == (this_month - timedelta(days=1)).replace(day=1)
    assert timezone.localdate() - timedelta(days=7) <= timezone.localdate(meeting.starts_at) < timezone.localdate()


def test_a_family_from_the_month_before_still_waits_for_its_feedback():
    seed_demo()
    case = _demo_case("feedback_overdue")
    deadline = case.deadlines.get(kind=DeadlineKind.FEEDBACK)
    assert deadline.is_open
    assert deadline.due_at < timezone.now()


def test_a_family_from_the_month_before_has_had_its_feedback():
    seed_demo()
    case = _demo_case("feedback_given")
    item = case.agenda_items.get(state=ItemState.DISCUSSED)
    assert not item.deadline.is_open
    assert item.feedback_on >= timezone.localdate(item.meeting.starts_at)


def test_a_family_that_had_its_feedback_has_a_plan_and_an_established_sip():
    seed_demo()
    case = _demo_case("feedback_given")
    assert case.status == CaseStatus.SUPPORT_ONGOING
    assert case.interventions.filter(status="ongoing").count() == 1
    assert case.follow_ups.filter(deadline__completed_at__isnull=True).count() == 1
    assert case.sip.status == "established"
    assert case.sip.principals.filter(is_overall_responsible=True).count() == 1


def test_the_professionals_have_work_phones_of_their_own_from_the_numbers_for_fiction():
    seed_demo()
    # Everyone a demo login works with: the demo accounts and the Ålidhem and Mariehem teams
    demo_logins = [email for email, _name, _role in DEMO_ACCOUNTS if not email.startswith("admin")]
    professionals = User.objects.filter(memberships__team__name__in=["HLT Ålidhem", "HLT Mariehem"]).distinct()
    phones = [user.phone for user in professionals] + [User.objects.get(email=e).phone for e in demo_logins]
    assert all(phone in WORK_PHONES for phone in phones)
    everyone = list(User.objects.exclude(phone="").values_list("phone", flat=True))
    assert len(everyone) == len(set(everyone))
    guardians = set(Adult.objects.exclude(phone="").values_list("phone", flat=True))
    assert guardians.isdisjoint(everyone)
    assert all("070-1740605" <= phone <= "070-1740699" for phone in [*everyone, *guardians])


# --- The statistics backdrop (demo/statistics.py), written by the seed_demo command -----------------


def _backdrop_cases():
    return Case.objects.filter(reason_description=STATISTICS_REASON)


def test_the_backdrop_adds_closed_cases_in_every_team_and_leaves_the_stories_alone(settings):
    settings.HLT_DEMO = True
    call_command("seed_demo")
    stories = Case.objects.exclude(reason_description=STATISTICS_REASON)
    assert stories.count() == len(DEMO_CASES)
    assert set(stories.values_list("team__name", flat=True)) == {"HLT Ålidhem"}
    teams = set(Team.objects.values_list("name", flat=True))
    assert set(_backdrop_cases().values_list("team__name", flat=True)) == teams
    assert set(_backdrop_cases().values_list("status", flat=True)) == {CaseStatus.CLOSED}
    assert not _backdrop_cases().filter(closed_on__gte=timezone.localdate()).exists()
    # No demo account starts, or is the contact person of, an invented case, and no story meeting
    # has an invented case on its agenda.
    demo_accounts = [email for email, _name, _role in DEMO_ACCOUNTS]
    assert not _backdrop_cases().filter(initiator__email__in=demo_accounts).exists()
    invented = AgendaItem.objects.filter(case__reason_description=STATISTICS_REASON)
    assert not invented.filter(contact_person__email__in=demo_accounts).exists()
    story_meetings = Meeting.objects.filter(items__case__in=stories)
    assert story_meetings.exists()
    assert not invented.filter(meeting__in=story_meetings).exists()


def test_the_backdrops_children_are_invented_and_numbered_in_the_test_series(settings):
    settings.HLT_DEMO = True
    call_command("seed_demo")
    children = Child.objects.filter(cases__reason_description=STATISTICS_REASON)
    assert children.count() == _backdrop_cases().count()
    assert set(children.values_list("first_name", flat=True)) == {"Statistikbarn"}
    for number in children.values_list("identity_number", flat=True):
        assert parse_national_id(number, today=timezone.localdate()).number == number
        assert 980 <= int(number[8:11]) <= 999, number


def test_the_demos_regional_dashboard_shows_figures_that_are_not_suppressed(settings, client):
    # Given the seeded demo, whose command fills the dashboards' summary
    settings.HLT_DEMO = True
    call_command("seed_demo")
    client.force_login(User.objects.get(email="processledare.regional@hlt.example"))

    # When the regional process leader opens the region's dashboard (the last 12 months)
    response = client.get(f"/statistik/region/{Region.objects.get(code='24').pk}/")

    # Then the 7-day promise has a verdict, and the comparison shows Umeå's and the region's figures
    assert response.status_code == 200
    assert response.context["promise"][1] in ("kept", "at-risk", "broken")
    comparison = next(table for table in response.context["tables"] if table.slug == "jamforelse")
    rows = {row.label: row.values for row in comparison.rows}
    for label in ("Umeå", comparison.rows[-1].label):
        cases_started, _children, within, due, share = rows[label][:5]
        assert int(cases_started) >= settings.HLT_STATS_MIN_COUNT
        assert int(due) >= int(within) >= settings.HLT_STATS_MIN_COUNT
        assert share.endswith("%")
    shown = [value for values in rows.values() for value in values if value.isdigit() and int(value) > 0]
    assert len(shown) > 20
