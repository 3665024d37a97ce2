"""The demo's statistics backdrop: a few hundred invented, closed cases from the last year and a half.

The demo's stories are a handful of cases, too few for a dashboard to show any figure (a count under
HLT_STATS_MIN_COUNT reads "<5"). The backdrop gives every team a history behind its figures: cases
started, discussed at the team's monthly meeting, the family's feedback (mostly within the 7 days,
each team with a punctuality of its own, so that the comparison tells them apart), interventions,
now and then a follow-up and a SIP, and every case closed with a reason and often the family's
experience.

Clearly synthetic and kept apart from the stories: the children are called "Statistikbarn NNN"
and have identity numbers in Skatteverket's test series, as the stories' children do
(`demo_personnummer`); their cases are initiated by the teams' invented members, never by a demo
account; and every one carries STATISTICS_REASON, by which a second run sees the backdrop is there
and adds nothing. A meeting is only placed in a month where the team has none, so no story meeting
gets a synthetic item. These are figures to look at rather than journeys to follow, so they are
written in bulk, past the services: no timeline events, consents, letters or notifications.
"""

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.db import transaction

from cases.deadlines import feedback_due_date
from cases.identity import IdentityType
from cases.models import Case, CaseStatus, Child, ClosureReason, Deadline, DeadlineKind
from demo.cases import demo_personnummer
from demo.seed import DEMO_ACCOUNTS
from hlt.workdays import local_datetime
from meetings.models import (
    AgendaItem,
    FamilyAnswer,
    FeedbackMethod,
    InterventionType,
    ItemPurpose,
    ItemState,
    Meeting,
    MeetingStatus,
)
from meetings.scheduling import add_months, agenda_closes_at, meeting_day
from sip.models import Sip, SipStatus
from support.models import EvaluationOutcome, FollowUp, FollowUpKind, Intervention, InterventionStatus
from teams.models import Sector, Team, TeamMembership, UnitKind

STATISTICS_REASON = "Påhittat ärende bakom demons statistik; inga riktiga uppgifter."
MONTHS_BACK = 17  # the backdrop's meetings: from 17 months ago up to last month
# Cases per HLT area over the period, and the share of families the team gives its feedback within
# the 7 days. An area not named here (a demo grown since) gets the default.
AREA_FIGURES = {
    "Ålidhem": (34, 0.93),
    "Holmsund": (22, 0.90),
    "Mariehem": (28, 0.96),
    "Ersboda": (34, 0.88),
    "Teg": (24, 0.92),
    "Hörnefors": (14, 0.80),
    "Backen": (18, 0.94),
    "Sävar": (12, 0.85),
    "Åsele": (10, 0.75),
    "Vindeln": (12, 1.0),
    "Vännäs": (16, 0.86),
    "Lycksele": (22, 0.6),
    "Anderstorp": (30, 1.0),
}
DEFAULT_FIGURES = (12, 0.9)
# Weights: the child's age in whole years (0-16), the reason a case closed, the family's answer
# to the team's proposal and their experience of HLT (1-5; three in ten do not answer).
AGE_WEIGHTS = [3, 5, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 6, 5, 4, 3]
CLOSURES = {
    ClosureReason.NEEDS_MET: 50,
    ClosureReason.REFERRED: 16,
    ClosureReason.MOVED: 9,
    ClosureReason.CONSENT_WITHDRAWN: 6,
    ClosureReason.OTHER: 7,
    ClosureReason.OPENED_IN_ERROR: 2,
}
ANSWERS = {FamilyAnswer.ACCEPTED: 72, FamilyAnswer.PARTLY: 14, FamilyAnswer.THINKING: 6, FamilyAnswer.DECLINED: 8}
METHODS = {FeedbackMethod.PHONE: 50, FeedbackMethod.MEETING: 30, FeedbackMethod.LETTER: 10, FeedbackMethod.DIGITAL: 10}
EXPERIENCE = {None: 30, 1: 2, 2: 5, 3: 13, 4: 28, 5: 22}
OUTCOMES = {EvaluationOutcome.REACHED: 60, EvaluationOutcome.PARTLY: 30, EvaluationOutcome.NOT_REACHED: 10}
SECTOR_REASON = {Sector.HEALTH: "reason_health", Sector.LEARNING: "reason_learning", Sector.SAFETY: "reason_safety"}


@dataclass
class _Rows:
    """Everything the backdrop writes, in the order it is inserted (each refers to the ones before)."""

    meetings: dict = field(default_factory=dict)  # (team id, month) -> Meeting
    agenda_lengths: dict = field(default_factory=dict)  # (team id, month) -> items so far
    children: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    items: list = field(default_factory=list)
    interventions: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    sips: list = field(default_factory=list)

    def save(self) -> None:
        for model, rows in (
            (Meeting, self.meetings.values()),
            (Child, self.children),
            (Case, self.cases),
            (Deadline, self.deadlines),
            (AgendaItem, self.items),
            (Intervention, self.interventions),
            (FollowUp, self.follow_ups),
            (Sip, self.sips),
        ):
            model.objects.bulk_create(list(rows), batch_size=500)


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Backdrop:
    def __init__(self, today: date):
        self.today = today
        self.rng = random.Random(24)  # noqa: S311 - invented figures, the same every run
        self.rows = _Rows()
        self.numbers = set(Child.objects.values_list("identity_number", flat=True))
        self.taken = set(Meeting.objects.values_list("team_id", "month"))
        self.types = list(InterventionType.objects.filter(is_active=True))
        self.serial = 0

    def team(self, team: Team) -> None:
        """`team`'s cases, spread over the months it can have held a meeting in."""
        count, punctuality = AREA_FIGURES.get(team.area.name, DEFAULT_FIGURES)
        demo_accounts = [email for email, _name, _role in DEMO_ACCOUNTS]
        members = list(
            TeamMembership.objects.filter(team=team)
            .exclude(user__email__in=demo_accounts)
            .select_related("user", "home_unit")
            .order_by("pk")
        )
        units = {unit.kind: unit for unit in team.area.all_units()}
        this_month = self.today.replace(day=1)
        days = {}
        for back in range(MONTHS_BACK, 0, -1):
            month = add_months(this_month, -back)
            day = meeting_day(schedule=team.schedule, month=month)
            # Room after the meeting for late feedback and the closure, all before today.
            if day and (team.pk, month) not in self.taken and day + timedelta(days=25) < self.today:
                days[month] = day
        if not members or not days:
            return
        # The programme grows: later months have a few more cases than the first.
        months = list(days)
        weights = [1 + index / len(months) for index in range(len(months))]
        for month in sorted(self.rng.choices(months, weights=weights, k=count)):
            meeting = self._meeting(team, month, days[month], members)
            self._case(team, meeting, days[month], members, units, punctuality)

    def _meeting(self, team: Team, month: date, day: date, members: list) -> Meeting:
        key = (team.pk, month)
        if key not in self.rows.meetings:
            schedule = team.schedule
            ends_at = local_datetime(day, schedule.end_time)
            self.rows.meetings[key] = Meeting(
                team=team,
                month=month,
                starts_at=local_datetime(day, schedule.start_time),
                ends_at=ends_at,
                place=schedule.place,
                agenda_closes_at=agenda_closes_at(day, schedule.agenda_cutoff_days),
                agenda_locked_at=local_datetime(day - timedelta(days=1), time(8)),
                status=MeetingStatus.CLOSED,
                closed_at=ends_at + timedelta(minutes=30),
                closed_by=members[0].user,
            )
        return self.rows.meetings[key]

    def _child(self, initiated_on: date) -> Child:
        rng = self.rng
        age = rng.choices(range(len(AGE_WEIGHTS)), weights=AGE_WEIGHTS)[0]
        birth = initiated_on - timedelta(days=365 * age + rng.randint(30, 360))
        serials = list(range(980, 1000))
        rng.shuffle(serials)
        while True:
            number = next(
                (n for n in (demo_personnummer(f"{birth:%Y%m%d}", s) for s in serials) if n not in self.numbers), None
            )
            if number is not None:
                break
            birth -= timedelta(days=1)
        self.numbers.add(number)
        self.serial += 1
        child = Child(
            identity_type=IdentityType.PERSONNUMMER,
            identity_number=number,
            first_name="Statistikbarn",
            last_name=f"{self.serial:03d}",
            birth_date=birth,
        )
        self.rows.children.append(child)
        return child

    def _case(self, team: Team, meeting: Meeting, day: date, members: list, units: dict, punctuality: float) -> None:
        rng, rows = self.rng, self.rows
        initiator, contact = rng.choice(members), rng.choice(members)
        # Consent, then the agenda a week before the meeting: a few weeks from start to meeting.
        initiated_on = day - timedelta(days=min(80, 10 + int(rng.gammavariate(2.2, 10))))
        due = feedback_due_date(day, team.area.municipality)
        if rng.random() < punctuality:
            feedback_on = day + timedelta(days=rng.randint(1, (due - day).days))
        else:
            feedback_on = due + timedelta(days=rng.randint(1, 6))
        answer = _pick(rng, ANSWERS)
        room = (self.today - timedelta(days=1) - feedback_on).days
        # A family that declined closes soon after; the others after weeks or months of support.
        if answer == FamilyAnswer.DECLINED:
            reason, after = ClosureReason.FAMILY_DECLINED, rng.randint(1, min(21, room))
        else:
            reason, after = _pick(rng, CLOSURES), rng.randint(min(8, room), min(160, room))
        closed_on = feedback_on + timedelta(days=after)
        own = SECTOR_REASON.get(initiator.home_unit.sector, "reason_learning")
        reasons = {own, rng.choice(list(SECTOR_REASON.values()))}
        child = self._child(initiated_on)
        preschool = (initiated_on - child.birth_date).days < 6 * 365
        case = Case(
            child=child,
            school_unit=units.get(UnitKind.PRESCHOOL if preschool else UnitKind.SCHOOL),
            health_centre=units.get(UnitKind.CHILD_HEALTH if preschool else UnitKind.HEALTH_CENTRE),
            team=team,
            initiator=initiator.user,
            initiator_unit=initiator.home_unit,
            initiated_on=initiated_on,
            reason_description=STATISTICS_REASON,
            listed_in_area=True,
            in_municipal_school=True,
            status=CaseStatus.CLOSED,
            closed_on=closed_on,
            closure_reason=reason,
            family_experience=_pick(rng, EXPERIENCE),
            **dict.fromkeys(reasons, True),
        )
        rows.cases.append(case)
        deadline = Deadline(
            case=case,
            kind=DeadlineKind.FEEDBACK,
            responsible=contact.user,
            due_date=due,
            due_at=local_datetime(due + timedelta(days=1)),
            completed_at=local_datetime(feedback_on, time(11)),
            completed_by=contact.user,
        )
        rows.deadlines.append(deadline)
        position = rows.agenda_lengths.get((team.pk, meeting.month), 0)
        rows.agenda_lengths[(team.pk, meeting.month)] = position + 1
        rows.items.append(
            AgendaItem(
                meeting=meeting,
                case=case,
                position=position,
                purpose=ItemPurpose.NEW,
                state=ItemState.DISCUSSED,
                added_by=initiator.user,
                summary=STATISTICS_REASON,
                contact_person=contact.user,
                deadline=deadline,
                feedback_on=feedback_on,
                feedback_method=_pick(rng, METHODS),
                feedback_answer=answer,
                feedback_recorded_by=contact.user,
            )
        )
        if answer != FamilyAnswer.DECLINED and self.types and rng.random() < 0.75:
            self._support(case, feedback_on, closed_on, contact.user, units)

    def _support(self, case: Case, feedback_on: date, closed_on: date, contact, units: dict) -> None:
        """One or two interventions, a follow-up with the family for a longer one, now and then a SIP."""
        rng, rows = self.rng, self.rows
        for number in range(rng.choice([1, 1, 2])):
            start = min(closed_on, feedback_on + timedelta(days=rng.randint(1, 14)))
            unit = rng.choice(list(units.values()))
            intervention = Intervention(
                case=case,
                intervention_type=rng.choice(self.types),
                principal=unit.principal_type,
                responsible_unit=unit,
                responsible_person=contact,
                start_date=start,
                follow_up_date=min(closed_on, start + timedelta(days=28)),
                status=InterventionStatus.DONE,
                outcome=_pick(rng, OUTCOMES),
                evaluated_on=closed_on,
                evaluated_by=contact,
                created_by=contact,
            )
            rows.interventions.append(intervention)
            planned_on = start + timedelta(days=28)
            if number == 0 and planned_on + timedelta(days=7) < closed_on:
                held_on = planned_on if rng.random() < 0.85 else planned_on + timedelta(days=rng.randint(2, 7))
                rows.follow_ups.append(
                    FollowUp(
                        case=case,
                        intervention=intervention,
                        kind=FollowUpKind.FAMILY_MEETING,
                        planned_on=planned_on,
                        responsible=contact,
                        held_on=held_on,
                        recorded_by=contact,
                        recorded_at=local_datetime(held_on, time(15)),
                        created_by=contact,
                    )
                )
        established = feedback_on + timedelta(days=rng.randint(10, 25))
        if rng.random() < 0.2 and established < closed_on:
            rows.sips.append(
                Sip(
                    case=case,
                    status=SipStatus.ENDED,
                    version=1,
                    established_at=local_datetime(established, time(10)),
                    established_by=contact,
                    ended_at=local_datetime(closed_on, time(12)),
                    ended_by=contact,
                    created_by=contact,
                )
            )


@transaction.atomic
def seed_statistics(*, today: date) -> int:
    """Write the backdrop for every team with a meeting schedule, unless it is there already;
    returns the number of backdrop cases. Call after the stories (`demo.seed.seed_demo`): their
    meetings' months are then taken, and the backdrop keeps out of them."""
    existing = Case.objects.filter(reason_description=STATISTICS_REASON).count()
    if existing:
        return existing
    backdrop = _Backdrop(today)
    teams = Team.objects.filter(schedule__isnull=False).select_related("area__municipality", "schedule")
    for team in teams.order_by("pk"):
        backdrop.team(team)
    backdrop.rows.save()
    return len(backdrop.rows.cases)
