"""Writes for the SIP. Each service is one transaction: it locks the case and then the plan (the
order the consent services lock in), checks the guardians' SIP consent, and records its timeline
event with ids and field codes only.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus
from cases.services import case_event_record, case_require_open, case_transition
from sip.models import ParticipantRole, Principal, Sip, SipParticipant, SipPrincipal, SipRevision, SipStatus
from sip.selectors import sip_consent_refusal, sip_missing_parts
from teams.models import PrincipalType, Unit
from teams.selectors import active_member_ids, active_membership_of

# The plan's own fields a page may change (principals and participants come as lists of inputs).
CONTENT_FIELDS = [
    "family_goals",
    "efforts_needed",
    "other_measures",
    "no_other_measures",
    "meeting_date",
    "meeting_time",
    "meeting_place",
    "follow_up_date",
    "convener",
]
TEXT_FIELDS = {"family_goals", "efforts_needed", "other_measures", "meeting_place"}
MAX_PRINCIPALS = 10
MAX_PARTICIPANTS = 30


@dataclass(frozen=True)
class PrincipalInput:
    """One principal of the plan as a form hands it over: a unit of the team's area or a name."""

    principal_type: str
    unit: Unit | None = None
    organisation: str = ""
    responsibilities: str = ""
    is_overall_responsible: bool = False
    coordinator: object = None  # a user, or None
    coordinator_name: str = ""


@dataclass(frozen=True)
class ParticipantInput:
    name: str
    role: str
    organisation: str = ""
    user: object = None  # a user, or None


def _lock(sip: Sip) -> tuple[Case, Sip]:
    # Only the case and plan rows are locked, not the child, team and area read with them.
    case = Case.objects.select_for_update(of=("self",)).select_related("child", "team__area").get(pk=sip.case_id)
    return case, Sip.objects.select_for_update(of=("self",)).select_related("convener").get(pk=sip.pk)


def _require_sip_consent(case: Case, *, today: date) -> None:
    refusal = sip_consent_refusal(case, today=today)
    if refusal:
        raise ValidationError(refusal)


def _people(user) -> dict | None:
    return {"id": user.pk, "name": user.full_name} if user is not None else None


def sip_snapshot(sip: Sip, principals: list[SipPrincipal], participants: list[SipParticipant]) -> dict:
    """What the plan says, as plain values: stored with each revision and compared to find changes."""
    return {
        "status": sip.status,
        "family_goals": sip.family_goals,
        "efforts_needed": sip.efforts_needed,
        "other_measures": sip.other_measures,
        "no_other_measures": sip.no_other_measures,
        "meeting_date": sip.meeting_date.isoformat() if sip.meeting_date else None,
        "meeting_time": sip.meeting_time.strftime("%H:%M") if sip.meeting_time else None,
        "meeting_place": sip.meeting_place,
        "follow_up_date": sip.follow_up_date.isoformat() if sip.follow_up_date else None,
        "convener": _people(sip.convener),
        "principals": [
            {
                "principal_type": p.principal_type,
                "unit": {"id": p.unit.pk, "name": p.unit.name} if p.unit_id else None,
                "organisation": p.organisation,
                "responsibilities": p.responsibilities,
                "is_overall_responsible": p.is_overall_responsible,
                "coordinator": _people(p.coordinator),
                "coordinator_name": p.coordinator_name,
            }
            for p in principals
        ],
        "participants": [
            {"name": p.name, "role": p.role, "organisation": p.organisation, "user_id": p.user_id} for p in participants
        ],
    }


def _changed(before: dict, after: dict) -> list[str]:
    return [key for key in after if before.get(key) != after[key]]


def _revision_record(*, sip: Sip, actor, changed: list[str], note: str, snapshot: dict) -> SipRevision:
    return SipRevision.objects.create(
        sip=sip, version=sip.version, changed_fields=changed, note=note.strip(), author=actor, snapshot=snapshot
    )


def _current(sip: Sip) -> tuple[list[SipPrincipal], list[SipParticipant]]:
    return (
        list(sip.principals.select_related("unit", "coordinator")),
        list(sip.participants.all()),
    )


@transaction.atomic
def sip_create(*, case: Case, actor, today: date) -> Sip:
    """Start the case's SIP as a draft, without delay ("utan dröjsmål": the start is recorded).

    Refused on a closed case, for a user outside the case's team, when the case has a SIP already,
    and unless the guardians' SIP consent is in force. The child, the guardians and the user who
    starts it are listed as participants; the user convenes until someone else is chosen.
    """
    locked = Case.objects.select_for_update(of=("self",)).select_related("child").get(pk=case.pk)
    case_require_open(locked)
    membership = active_membership_of(actor, locked.team_id)
    if membership is None:
        raise ValidationError(_("Only members of the case's team can start its SIP."))
    if Sip.objects.filter(case=locked).exists():
        raise ValidationError(_("The case already has a SIP."))
    _require_sip_consent(locked, today=today)

    sip = Sip.objects.create(case=locked, created_by=actor, convener=actor)
    child = locked.child
    people = [ParticipantInput(name=child.full_name, role=ParticipantRole.CHILD)]
    people += [
        ParticipantInput(name=adult.full_name, role=ParticipantRole.GUARDIAN)
        for adult in locked.adults.all()
        if adult.is_guardian
    ]
    people.append(
        ParticipantInput(
            name=actor.full_name,
            role=ParticipantRole.PROFESSIONAL,
            organisation=membership.home_unit.name if membership.home_unit_id else "",
            user=actor,
        )
    )
    SipParticipant.objects.bulk_create(
        SipParticipant(sip=sip, position=number, name=p.name, role=p.role, organisation=p.organisation, user=p.user)
        for number, p in enumerate(people, start=1)
    )
    case_event_record(case=locked, actor=actor, action="sip.create", sip_id=sip.pk)
    return sip


def _team_user_ids(case: Case) -> set[int]:
    return active_member_ids(case.team_id)


def _principals_build(case: Case, sip: Sip, inputs: list[PrincipalInput]) -> tuple[list[SipPrincipal], list[str]]:
    """The principals as unsaved rows, and what is wrong with them in words."""
    errors = []
    if len(inputs) > MAX_PRINCIPALS:
        errors.append(_("A plan can have at most %(max)s principals.") % {"max": MAX_PRINCIPALS})
    area_units = set(case.team.area.all_units().values_list("pk", flat=True))
    members = _team_user_ids(case) if any(p.coordinator is not None for p in inputs) else set()
    rows = []
    for number, given in enumerate(inputs, start=1):
        row = SipPrincipal(
            sip=sip,
            position=number,
            principal_type=given.principal_type,
            unit=given.unit,
            organisation=given.organisation.strip(),
            responsibilities=given.responsibilities.strip(),
            is_overall_responsible=given.is_overall_responsible,
            coordinator=given.coordinator,
            coordinator_name=given.coordinator_name.strip(),
        )
        params = {"number": number}
        if given.principal_type not in Principal.values:
            errors.append(_("Principal %(number)s: choose the municipality or the region.") % params)
        if given.unit is None and not row.organisation:
            errors.append(_("Principal %(number)s: choose a unit or write the organisation's name.") % params)
        if given.unit is not None:
            if given.unit.pk not in area_units:
                errors.append(_("Principal %(number)s: choose a unit of the team's area.") % params)
            elif (
                given.unit.principal_type in (PrincipalType.MUNICIPALITY, PrincipalType.REGION)
                and given.unit.principal_type != given.principal_type
            ):
                errors.append(
                    _("Principal %(number)s: %(unit)s belongs to %(owner)s.")
                    % {**params, "unit": given.unit.name, "owner": given.unit.get_principal_type_display().lower()}
                )
        if given.coordinator is not None and given.coordinator.pk not in members:
            errors.append(
                _("Principal %(number)s: the coordinator must be a member of the team; otherwise write the name.")
                % params
            )
        rows.append(row)
    overall = sum(1 for row in rows if row.is_overall_responsible)
    if overall > 1:
        errors.append(
            _("Only one principal can have the overall responsibility for the plan; %(count)s are marked.")
            % {"count": overall}
        )
    return rows, errors


def _participants_build(sip: Sip, inputs: list[ParticipantInput]) -> tuple[list[SipParticipant], list[str]]:
    errors = []
    if len(inputs) > MAX_PARTICIPANTS:
        errors.append(_("A plan can list at most %(max)s participants.") % {"max": MAX_PARTICIPANTS})
    rows = []
    for number, given in enumerate(inputs, start=1):
        row = SipParticipant(
            sip=sip,
            position=number,
            name=given.name.strip(),
            role=given.role,
            organisation=given.organisation.strip(),
            user=given.user,
        )
        if not row.name:
            errors.append(_("Participant %(number)s: write the name.") % {"number": number})
        if given.role not in ParticipantRole.values:
            errors.append(_("Participant %(number)s: choose a role.") % {"number": number})
        rows.append(row)
    return rows, errors


def _rows_clean(rows, errors: list[str], *, label: str, exclude: list[str]) -> None:
    # The lengths of each row's texts, as messages rather than a database error.
    for number, row in enumerate(rows, start=1):
        try:
            row.full_clean(exclude=["sip", *exclude], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.extend(
                _("%(label)s %(number)s: %(message)s") % {"label": label, "number": number, "message": message}
                for message in error.messages
            )


@transaction.atomic
def sip_update(
    *,
    sip: Sip,
    actor,
    today: date,
    principals: list[PrincipalInput] | None = None,
    participants: list[ParticipantInput] | None = None,
    note: str = "",
    **fields,
) -> Sip:
    """Change the plan: its content (`CONTENT_FIELDS`), and when given, all its principals and all
    its participants (each list replaces the earlier one).

    Refused on a closed case or an ended plan, unless the SIP consent is in force, with two
    principals marked as overall responsible, a follow-up before the SIP meeting, or measures by
    others both described and marked as none. An established plan must keep its four statutory
    parts; a change to it makes the next version, with a revision of what changed, who and when,
    and `note` (for example what changed at the follow-up). Saving without a change records nothing.
    """
    case, locked = _lock(sip)
    case_require_open(case)
    if locked.is_ended:
        raise ValidationError(_("The plan has ended and can no longer be changed."))
    _require_sip_consent(case, today=today)

    old_principals, old_participants = _current(locked)
    before = sip_snapshot(locked, old_principals, old_participants)
    for name in CONTENT_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(locked, name, value.strip() if name in TEXT_FIELDS else value)

    errors: dict[str, list[str]] = {}
    if locked.follow_up_date and locked.meeting_date and locked.follow_up_date < locked.meeting_date:
        errors["follow_up_date"] = [_("The follow-up cannot be before the SIP meeting.")]
    if locked.other_measures and locked.no_other_measures:
        errors["no_other_measures"] = [_("Measures taken by others are described and also marked as none. Choose one.")]
    if locked.convener_id is not None and "convener" in fields and locked.convener_id not in _team_user_ids(case):
        errors["convener"] = [_("The person who convenes must be a member of the team.")]
    new_principals, new_participants = old_principals, old_participants
    if principals is not None:
        new_principals, principal_errors = _principals_build(case, locked, principals)
        _rows_clean(
            new_principals,
            principal_errors,
            label=_("Principal"),
            exclude=["principal_type", "unit", "coordinator"],
        )
        if principal_errors:
            errors["principals"] = principal_errors
    if participants is not None:
        new_participants, participant_errors = _participants_build(locked, participants)
        _rows_clean(new_participants, participant_errors, label=_("Participant"), exclude=["name", "role", "user"])
        if participant_errors:
            errors["participants"] = participant_errors
    try:
        locked.full_clean(exclude=["case", "created_by", "convener"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    after = sip_snapshot(locked, new_principals, new_participants)
    changed = _changed(before, after)
    if not changed:
        return locked
    if locked.is_established:
        missing = sip_missing_parts(locked, new_principals)
        if missing:
            raise ValidationError([_("An established plan must keep the four parts the law requires."), *missing])
        locked.version += 1

    locked.save()
    if principals is not None:
        SipPrincipal.objects.filter(sip=locked).delete()
        SipPrincipal.objects.bulk_create(new_principals)
    if participants is not None:
        SipParticipant.objects.filter(sip=locked).delete()
        SipParticipant.objects.bulk_create(new_participants)
    if locked.is_established:
        _revision_record(sip=locked, actor=actor, changed=changed, note=note, snapshot=after)
    case_event_record(
        case=case, actor=actor, action="sip.update", sip_id=locked.pk, version=locked.version, fields=changed
    )
    return locked


@transaction.atomic
def sip_establish(*, sip: Sip, actor, today: date, note: str = "") -> Sip:
    """Mark the plan established as version 1, with a revision keeping what it says.

    Refused unless it is a draft on an open case, the SIP consent is in force, and the four parts
    the law requires are there (`sip.selectors.sip_missing_parts` names what is missing). A case
    whose feedback is given moves on to "support ongoing".
    """
    case, locked = _lock(sip)
    case_require_open(case)
    if locked.status != SipStatus.DRAFT:
        raise ValidationError(_("The plan is already established."))
    _require_sip_consent(case, today=today)
    principals, participants = _current(locked)
    missing = sip_missing_parts(locked, principals)
    if missing:
        raise ValidationError(missing)

    before = sip_snapshot(Sip(status=SipStatus.DRAFT), [], [])
    locked.status, locked.version = SipStatus.ESTABLISHED, 1
    locked.established_at, locked.established_by = timezone.now(), actor
    locked.save()
    after = sip_snapshot(locked, principals, participants)
    _revision_record(sip=locked, actor=actor, changed=_changed(before, after), note=note, snapshot=after)
    case_event_record(case=case, actor=actor, action="sip.establish", sip_id=locked.pk, version=1)
    if case.status == CaseStatus.FEEDBACK_GIVEN:
        case_transition(case=case, to=CaseStatus.SUPPORT_ONGOING, actor=actor)
    return locked


@transaction.atomic
def sip_end(*, sip: Sip, actor, note: str = "") -> Sip:
    """End an established plan (for example when the needs are met or the consent is withdrawn).

    Ending shares nothing, so it is allowed without the SIP consent; the last version records it.
    """
    case, locked = _lock(sip)
    if locked.status != SipStatus.ESTABLISHED:
        raise ValidationError(_("Only an established plan can be ended."))
    if not note.strip():
        raise ValidationError({"note": _("Write why the plan ends.")})
    principals, participants = _current(locked)
    before = sip_snapshot(locked, principals, participants)
    locked.status, locked.version = SipStatus.ENDED, locked.version + 1
    locked.ended_at, locked.ended_by = timezone.now(), actor
    locked.save()
    after = sip_snapshot(locked, principals, participants)
    _revision_record(sip=locked, actor=actor, changed=_changed(before, after), note=note, snapshot=after)
    case_event_record(case=case, actor=actor, action="sip.end", sip_id=locked.pk, version=locked.version)
    return locked
