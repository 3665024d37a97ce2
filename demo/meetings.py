"""The demo's meetings: a monthly schedule for every team, and the Ålidhem team's meetings so far.

Ålidhem's meeting of the month before last (one family has had its feedback, one is still waiting
and is overdue), last month's meeting, held a few days ago (its feedback is due within the week),
and this month's meeting, under way today with its minutes open and two cases waiting for them;
one case waits on the agenda of the next meeting. Everything goes through the services, as the team
would in the portal, and running the seed again changes nothing (a case that has left "ready" has
had its story told) except that the meeting under way is brought to the day the seed runs, for as
long as its minutes are open.

A month has one meeting (`meeting_once_per_month`), so when "a few days ago" falls in this month,
last month's meeting is the one held then: postponed, as a moved meeting keeps its month.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cases.models import Case, CaseStatus
from demo.cases import TODAY_STORIES
from hlt.workdays import is_working_day, local_datetime
from meetings.feedback import feedback_record
from meetings.models import (
    FamilyAnswer,
    FeedbackMethod,
    InterventionType,
    ItemState,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
)
from meetings.scheduling import add_months, agenda_closes_at, meetings_generate
from meetings.selectors import meeting_clash
from meetings.services import (
    ActionInput,
    agenda_item_add,
    attendance_record,
    meeting_close,
    minutes_record,
)
from teams.models import Team, TeamMembership, UnitKind

START, END = time(13, 0), time(15, 30)
# The meeting under way today: from the morning (or from when the seed runs, if earlier) to the afternoon.
TODAY_START, TODAY_END = time(8, 30), time(16, 0)

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


def _past_meeting(team: Team, month: date, day: date) -> Meeting:
    """The team's meeting of `month`, held on `day`; a day outside the month makes it a moved one."""
    meeting, _ = Meeting.objects.get_or_create(
        team=team,
        month=month,
        defaults={
            "starts_at": local_datetime(day, START),
            "ends_at": local_datetime(day, END),
            "place": team.schedule.place,
            "agenda_closes_at": agenda_closes_at(day, team.schedule.agenda_cutoff_days),
            "rescheduled": day.replace(day=1) != month,
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


def _today_window(today: date, now: datetime) -> tuple[datetime, datetime]:
    """Today's meeting has started by the time the seed runs, and lasts into the afternoon."""
    started = timezone.localtime(now).replace(second=0, microsecond=0)
    return min(local_datetime(today, TODAY_START), started), local_datetime(today, TODAY_END)


def _bring_to_today(meeting: Meeting, *, today: date, now: datetime) -> bool:
    """Give `meeting` today's times, directly: `meeting_move` refuses a start that has passed, and the
    point is a meeting that has started. It ends when another of the team's meetings that day begins
    (the schedule's own, say); False, and left alone, when that one begins first."""
    starts, ends = _today_window(today, now)
    other = meeting_clash(meeting, starts_at=starts, ends_at=ends)
    if other is not None:
        if other.starts_at <= starts:
            return False
        ends = other.starts_at
    meeting.starts_at, meeting.ends_at = starts, ends
    meeting.agenda_closes_at = agenda_closes_at(today, meeting.team.schedule.agenda_cutoff_days)
    meeting.rescheduled = True
    meeting.sequence += 1  # calendar programs replace the copy they hold
    meeting.save(update_fields=["starts_at", "ends_at", "agenda_closes_at", "rescheduled", "sequence"])
    return True


def _meeting_today(team: Team, cases: dict[str, Case], *, today: date, now: datetime) -> None:
    """A meeting under way today with its minutes open and `cases` on its agenda.

    The first time, this month's meeting (or, where it has already been held, the next empty one)
    is brought to today and the cases are put on its agenda before its cut-off. On a later day the
    same meeting is brought to that day while its minutes are open; once someone has closed them
    the story is told and the meeting stays as it is.
    """
    under_way = (
        Meeting.objects.filter(
            team=team,
            status=MeetingStatus.PLANNED,
            starts_at__lte=now,
            items__case__in=cases.values(),
            items__state__in=[ItemState.PLANNED, ItemState.DISCUSSED],
        )
        .order_by("-starts_at")
        .first()
    )
    if under_way is not None:
        if timezone.localdate(under_way.starts_at) != today:
            _bring_to_today(under_way, today=today, now=now)
        return
    if any(case.status != CaseStatus.READY for case in cases.values()):
        return
    starts, ends = _today_window(today, now)
    meeting, _ = Meeting.objects.get_or_create(
        team=team,
        month=today.replace(day=1),
        defaults={
            "starts_at": starts,
            "ends_at": ends,
            "place": team.schedule.place,
            "agenda_closes_at": agenda_closes_at(today, team.schedule.agenda_cutoff_days),
        },
    )
    if meeting.status != MeetingStatus.PLANNED or meeting.items.exists():
        # This month's meeting has been held (a demo seeded before this story): take the next empty one.
        meeting = (
            Meeting.objects.filter(team=team, status=MeetingStatus.PLANNED, starts_at__gt=now, items__isnull=True)
            .order_by("starts_at")
            .first()
        )
    if meeting is None or not _bring_to_today(meeting, today=today, now=now):
        return
    before_cutoff = meeting.agenda_closes_at - timedelta(days=1)
    for story, case in cases.items():
        agenda_item_add(
            meeting=meeting,
            case=case,
            actor=case.initiator,
            now=before_cutoff,
            family_attends=story == "today_with_family",
        )


def seed_meetings(*, teams: list[Team], cases: dict[str, Case], coordinator, contact_person, today: date) -> None:
    """Schedules for every team; the Ålidhem team's two past meetings, its meeting under way today
    and its next agenda."""
    _schedules(teams)
    alidhem = cases["on_agenda"].team
    waiting = {story: case for story, case in cases.items() if case.status == CaseStatus.READY}
    # Past meetings first: the month of each is then taken, and generating skips it. This month's is
    # today's, so the meeting a few days ago is last month's and the one before it the month before's.
    this_month = today.replace(day=1)
    recent = _working_day_before(today - timedelta(days=3))
    end_of_month_before_last = add_months(this_month, -1) - timedelta(days=1)
    earlier = _working_day_before(min(recent - timedelta(days=28), end_of_month_before_last))
    held = [
        (_past_meeting(alidhem, add_months(this_month, -2), earlier), ("feedback_given", "feedback_overdue")),
        (_past_meeting(alidhem, add_months(this_month, -1), recent), ("feedback_due",)),
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
    now = timezone.now()
    _meeting_today(alidhem, {story: cases[story] for story in TODAY_STORIES}, today=today, now=now)
    if "on_agenda" in waiting:
        upcoming = Meeting.objects.filter(team=alidhem, agenda_closes_at__gt=now).order_by("starts_at").first()
        if upcoming is not None:
            case = waiting["on_agenda"]
            agenda_item_add(meeting=upcoming, case=case, actor=case.initiator, now=now, family_attends=True)
