"""The demo's meetings: a monthly schedule for every team, and the Ålidhem team's meetings so far.

Ålidhem held a meeting about a month ago (one family has had its feedback, one is still waiting and
is overdue) and one a few days ago (its feedback is due within the week); one case waits on the
agenda of the next meeting. Everything goes through the services, as the team would in the portal,
and running the seed again changes nothing (a case that has left "ready" has had its story told).
"""

from datetime import date, time, timedelta

from django.utils import timezone

from cases.models import Case, CaseStatus
from hlt.workdays import is_working_day, local_datetime
from meetings.feedback import feedback_record
from meetings.models import FamilyAnswer, FeedbackMethod, InterventionType, Meeting, MeetingSchedule
from meetings.scheduling import agenda_closes_at, meetings_generate
from meetings.services import (
    ActionInput,
    agenda_item_add,
    attendance_record,
    meeting_close,
    minutes_record,
)
from teams.models import Team, TeamMembership, UnitKind

START, END = time(13, 0), time(15, 30)

# What the meeting agreed for each story: (summary, proposal to the family, intervention types with
# the kind of the responsible unit, joint meeting offered, SIP offered).
MINUTES = {
    "feedback_overdue": (
        "Läsutveckling under förväntan; skolan har ännu inte kartlagt. Familjen vill ha besked om utredning.",
        "Skolan kartlägger Alvas läsning under våren, och ni får träffa specialpedagogen för att prata om hur "
        "ni kan läsa tillsammans hemma.",
        [("Kartläggning", UnitKind.SCHOOL), ("Anpassat stöd i förskola/skola", UnitKind.SCHOOL)],
        True,
        False,
    ),
    "feedback_given": (
        "Oro för sömn och isolering. Både elevhälsan och hälsocentralen har kontakt; behov av samordning.",
        "Vi föreslår samtalsstöd på hälsocentralen för Leo och en gemensam träff med er, skolan och hälsocentralen.",
        [("Samtalsstöd på hälsocentralen", UnitKind.HEALTH_CENTRE), ("Gemensam uppföljning", UnitKind.SCHOOL)],
        True,
        True,
    ),
    "feedback_due": (
        "Separation i familjen; förskolan ser oro vid lämning. Mamman efterfrågar föräldrastöd.",
        "Vi erbjuder föräldrastöd genom familjebehandlare och att förskolan gör lämningarna lugnare för Ida.",
        [("Föräldrastöd", UnitKind.SOCIAL_SERVICES), ("Anpassat stöd i förskola/skola", UnitKind.PRESCHOOL)],
        False,
        False,
    ),
}


def _working_day_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _schedules(teams: list[Team]) -> None:
    """Each team meets on its own weekday, as the teams of one municipality share professionals."""
    for index, team in enumerate(teams):
        MeetingSchedule.objects.get_or_create(
            team=team,
            defaults={
                "week_of_month": 2 if index % 2 == 0 else 3,
                "weekday": index % 5,
                "start_time": START,
                "end_time": END,
                "place": team.area.health_centre.name if team.area.health_centre_id else team.area.name,
                "paused_months": "7",
            },
        )


def _past_meeting(team: Team, day: date) -> Meeting:
    """The meeting the team held on `day` (one per month: the schedule's own for that month)."""
    meeting, _ = Meeting.objects.get_or_create(
        team=team,
        month=day.replace(day=1),
        defaults={
            "starts_at": local_datetime(day, START),
            "ends_at": local_datetime(day, END),
            "place": team.schedule.place,
            "agenda_closes_at": agenda_closes_at(day, team.schedule.agenda_cutoff_days),
        },
    )
    return meeting


def _hold(meeting: Meeting, cases: dict[str, Case], *, coordinator, contact_person) -> None:
    """Put the cases on the agenda before the cut-off, record the minutes, and close them."""
    before_cutoff = meeting.agenda_closes_at - timedelta(days=1)
    items = {
        story: agenda_item_add(meeting=meeting, case=case, actor=case.initiator, now=before_cutoff)
        for story, case in cases.items()
    }
    attendance_record(
        meeting=meeting,
        actor=coordinator,
        present_users=[m.user for m in TeamMembership.objects.filter(team=meeting.team).select_related("user")],
        guests_present="Skolpsykolog (Ålidhemsskolan)",
    )
    units = {unit.kind: unit for unit in meeting.team.area.all_units()}
    during = meeting.starts_at + timedelta(minutes=30)
    for story, item in items.items():
        summary, proposal, actions, joint, sip = MINUTES[story]
        minutes_record(
            item=item,
            actor=coordinator,
            summary=summary,
            proposal=proposal,
            offer_joint_meeting=joint,
            offer_sip=sip,
            offer_other="",
            contact_person=contact_person,
            actions=[
                ActionInput(intervention_type=InterventionType.objects.get(name=name), responsible_unit=units[kind])
                for name, kind in actions
            ],
            now=during,
        )
    meeting_close(meeting=meeting, actor=coordinator, now=meeting.ends_at)


def seed_meetings(*, teams: list[Team], cases: dict[str, Case], coordinator, contact_person, today: date) -> None:
    """Schedules for every team, the Ålidhem team's two past meetings, and its next agenda."""
    _schedules(teams)
    alidhem = cases["on_agenda"].team
    waiting = {story: case for story, case in cases.items() if case.status == CaseStatus.READY}
    # Past meetings first: the month of each is then taken, and generating skips it.
    recent = _working_day_before(today - timedelta(days=3))
    earlier = _working_day_before(min(recent - timedelta(days=28), recent.replace(day=1) - timedelta(days=1)))
    held = [
        (_past_meeting(alidhem, earlier), ("feedback_given", "feedback_overdue")),
        (_past_meeting(alidhem, recent), ("feedback_due",)),
    ]
    meetings_generate(today=today)
    for meeting, stories in held:
        if all(story in waiting for story in stories):
            _hold(
                meeting,
                {story: waiting[story] for story in stories},
                coordinator=coordinator,
                contact_person=contact_person,
            )
    if "feedback_given" in waiting:
        item = cases["feedback_given"].agenda_items.get(deadline__isnull=False)
        feedback_record(
            item=item,
            actor=contact_person,
            given_on=earlier + timedelta(days=3),
            method=FeedbackMethod.PHONE,
            answer=FamilyAnswer.ACCEPTED,
            note="Pappan tackade ja till samtalsstöd och en gemensam träff; han vill gärna ha en SIP.",
            today=today,
        )
    if "on_agenda" in waiting:
        now = timezone.now()
        upcoming = Meeting.objects.filter(team=alidhem, agenda_closes_at__gt=now).order_by("starts_at").first()
        if upcoming is not None:
            case = waiting["on_agenda"]
            agenda_item_add(meeting=upcoming, case=case, actor=case.initiator, now=now, family_attends=True)
