"""The demo's support after the meeting: Leo's family had its feedback last month, so the team
works on: the interventions agreed at the meeting (one under way), a follow-up with the family in
two weeks, and a SIP with the municipality and the region, established with his father's consent.

Runs after demo/meetings.py, through the services; a case that already has interventions has
had its story told, so running the seed again changes nothing.
"""

from datetime import date, timedelta

from django.utils import timezone

from cases.models import Case
from consent.models import Method, Purpose
from consent.services import consent_record, default_valid_until
from sip.models import ParticipantRole, Principal
from sip.services import ParticipantInput, PrincipalInput, sip_create, sip_establish, sip_update
from support.models import FollowUpKind, InterventionStatus
from support.services import follow_up_plan, intervention_update_status, interventions_from_meeting
from teams.models import UnitKind


def seed_support(*, case: Case, coordinator, contact_person, today: date) -> None:
    """Leo's plan: interventions from the meeting, a follow-up, and an established SIP."""
    if case.interventions.exists():
        return
    item = case.agenda_items.get(deadline__isnull=False)
    held = timezone.localdate(item.meeting.starts_at)
    interventions = interventions_from_meeting(
        item=item, actor=contact_person, start_date=held + timedelta(days=10), follow_up_date=today + timedelta(days=14)
    )
    intervention_update_status(intervention=interventions[0], actor=contact_person, status=InterventionStatus.ONGOING)
    follow_up_plan(
        case=case,
        actor=contact_person,
        kind=FollowUpKind.FAMILY_MEETING,
        responsible=contact_person,
        planned_on=today + timedelta(days=14),
        intervention=interventions[0],
        now=timezone.now(),
    )
    _sip(case, coordinator=coordinator, contact_person=contact_person, today=today)


def _sip(case: Case, *, coordinator, contact_person, today: date) -> None:
    units = {unit.kind: unit for unit in case.team.area.all_units()}
    signed = today - timedelta(days=7)
    for adult in case.adults.filter(is_guardian=True):
        consent_record(
            case=case,
            actor=contact_person,
            adult=adult,
            purpose=Purpose.SIP,
            parties=[units[UnitKind.SOCIAL_SERVICES], units[UnitKind.HEALTH_CENTRE], units[UnitKind.SCHOOL]],
            categories=["category_school", "category_social", "category_mental_health"],
            valid_from=signed,
            valid_until=default_valid_until(signed),
            method=Method.PAPER,
            today=today,
        )
    sip = sip_create(case=case, actor=coordinator, today=today)
    sip_update(
        sip=sip,
        actor=coordinator,
        today=today,
        family_goals="Leo ska sova bättre och orka träffa kompisar efter skolan.",
        efforts_needed="Samtalsstöd för Leo, stöd till pappan kring rutiner och anpassningar i skolan.",
        other_measures="Skolan anpassar schemat och elevhälsan följer upp närvaron varje vecka.",
        meeting_date=today + timedelta(days=3),
        meeting_place="Ålidhems hälsocentral, rum 2",
        follow_up_date=today + timedelta(days=60),
        principals=[
            PrincipalInput(
                principal_type=Principal.MUNICIPALITY,
                unit=units[UnitKind.SOCIAL_SERVICES],
                responsibilities="Föräldrastöd till pappan genom familjebehandlare.",
                is_overall_responsible=True,
                coordinator=coordinator,
            ),
            PrincipalInput(
                principal_type=Principal.REGION,
                unit=units[UnitKind.HEALTH_CENTRE],
                responsibilities="Samtalsstöd för Leo och uppföljning av sömnen.",
            ),
        ],
        participants=[
            ParticipantInput(name=case.child.full_name, role=ParticipantRole.CHILD),
            *(
                ParticipantInput(name=adult.full_name, role=ParticipantRole.GUARDIAN)
                for adult in case.adults.filter(is_guardian=True)
            ),
            ParticipantInput(
                name=contact_person.full_name,
                role=ParticipantRole.PROFESSIONAL,
                organisation=units[UnitKind.STUDENT_HEALTH].name,
                user=contact_person,
            ),
        ],
    )
    sip_establish(sip=sip, actor=coordinator, today=today)
