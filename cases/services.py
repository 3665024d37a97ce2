"""Writes for children and cases. Each service is one transaction and records its timeline event."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadline_kinds import owed_kinds
from cases.identity import Identity, IdentityType
from cases.models import (
    FAMILY_COMMENT_MAX,
    SHORT_TEXT,
    Case,
    CaseEvent,
    CaseNamedUser,
    CaseStatus,
    Child,
    ClosureReason,
    Deadline,
    DeadlineKind,
    Language,
    ProtectionLevel,
)
from cases.signals import case_status_changed
from teams.models import PrincipalType, Team, Unit
from teams.selectors import active_membership_of, membership_of

S = CaseStatus
# The moves a case may make. Consent moves a case between awaiting consent and ready; the
# meetings and support issues add the moves from the agenda onwards.
TRANSITIONS: dict[str, set[str]] = {
    S.AWAITING_CONSENT: {S.READY, S.CLOSED},
    S.READY: {S.AWAITING_CONSENT, S.ON_AGENDA, S.CLOSED},
    S.ON_AGENDA: {S.AWAITING_CONSENT, S.READY, S.DISCUSSED, S.CLOSED},
    S.DISCUSSED: {S.FEEDBACK_GIVEN, S.CLOSED},
    S.FEEDBACK_GIVEN: {S.SUPPORT_ONGOING, S.CLOSED},
    S.SUPPORT_ONGOING: {S.CLOSED},
    S.CLOSED: set(),
}
# HLT is for children and young people; some municipalities include 17-year-olds.
MAX_AGE = 17


@dataclass(frozen=True)
class ChildDetails:
    """What the initiator registers about the child. The name, protected identity and (for a
    reserve number) the date of birth make the child's shared row when the register has not seen
    the child; the rest belongs to the new case."""

    first_name: str
    last_name: str
    protection: str = ProtectionLevel.NONE
    school_unit: Unit | None = None
    health_centre: Unit | None = None
    letter_language: str = Language.SWEDISH
    interpreter_needed: bool = False
    birth_date: date | None = None  # only for a reserve number, which does not contain one


def case_require_open(case: Case) -> None:
    """Refuse a change to a closed case: it is kept as it was closed."""
    if not case.is_open:
        raise ValidationError(_("The case is closed."))


def case_event_record(*, case: Case, actor, action: str, **details) -> CaseEvent:
    """Add a step to the case's timeline. `details` hold ids and codes only."""
    return CaseEvent.objects.create(case=case, actor=actor, action=action, details=details)


def _age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def _child_create(*, identity: Identity, reserve_issuer: str, details: ChildDetails, today: date) -> Child:
    is_reserve = identity.type == IdentityType.RESERVNUMMER
    birth_date = details.birth_date if is_reserve else identity.birth_date
    if birth_date is None:
        raise ValidationError({"birth_date": _("Give the child's date of birth.")})
    if birth_date > today:
        raise ValidationError({"birth_date": _("The date of birth lies in the future.")})
    if _age_on(birth_date, today) > MAX_AGE:
        raise ValidationError(
            _("HLT is for children and young people up to %(max)s years; this person is %(age)s.")
            % {"max": MAX_AGE, "age": _age_on(birth_date, today)}
        )
    try:
        with transaction.atomic():
            return Child.objects.create(
                identity_type=identity.type,
                identity_number=identity.number,
                reserve_issuer=reserve_issuer if is_reserve else "",
                first_name=details.first_name.strip(),
                last_name=details.last_name.strip(),
                birth_date=birth_date,
                protection=details.protection,
            )
    except IntegrityError:
        raise ValidationError(_("A child with this identity number was registered just now. Search again.")) from None


# The child's shared row (the identity) and what the case registered about the child.
IDENTITY_FIELDS = ["first_name", "last_name", "protection"]
CASE_CHILD_FIELDS = ["school_unit", "health_centre", "letter_language", "interpreter_needed"]
CHILD_FIELDS = IDENTITY_FIELDS + CASE_CHILD_FIELDS

_PROTECTION_ORDER = list(ProtectionLevel.values)


def _stronger_protection(registered: str, given: str) -> str:
    """Protected identity only ever grows from what a new case says: a case cannot lift it."""
    return max(registered, given, key=_PROTECTION_ORDER.index)


@transaction.atomic
def child_update(*, case: Case, actor, **fields) -> Child:
    """Correct what is registered about the case's child: the name and protected identity on the
    child's shared row (a correction holds for every case of the child), the school, health centre
    and language on this case alone. The identity number and birth date stay: a wrong number means
    a different child."""
    case_require_open(case)
    child = Child.objects.select_for_update().get(pk=case.child_id)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    changed = []
    for row, names in ((child, IDENTITY_FIELDS), (locked, CASE_CHILD_FIELDS)):
        for name in names:
            if name in fields and getattr(row, name) != fields[name]:
                setattr(row, name, fields[name])
                changed.append(name)
        row.full_clean(validate_unique=False, validate_constraints=False)
        row.save()
    if changed:
        case_event_record(case=case, actor=actor, action="child.update", fields=sorted(changed))
    for name in CASE_CHILD_FIELDS:
        setattr(case, name, getattr(locked, name))
    case.child = child
    return child


def child_find(*, identity: Identity, reserve_issuer: str = "") -> Child | None:
    """The registered child with this identity, if any."""
    issuer = reserve_issuer.strip() if identity.type == IdentityType.RESERVNUMMER else ""
    return Child.objects.filter(
        identity_type=identity.type, identity_number=identity.number, reserve_issuer=issuer
    ).first()


@transaction.atomic
def case_start(
    *,
    initiator,
    team: Team,
    initiator_unit: Unit,
    identity: Identity,
    reserve_issuer: str = "",
    child_details: ChildDetails,
    reason_health: bool,
    reason_learning: bool,
    reason_safety: bool,
    reason_description: str,
    family_view: str = "",
    child_view: str = "",
    eligibility_exception: str = "",
    today: date,
) -> Case:
    """Open an HLT case after the dialogue with the family; it waits for the guardians' consent.

    Uses the registered child with this identity, or registers one from `child_details` (the
    duplicate check: one child per identity number, one open case per child and team). The child
    must meet the eligibility criteria (listed at a health centre of the team's area, in municipal
    preschool or school) or the exception must be explained. The case starts with nothing from the
    child's other cases, and nobody is named on it.
    """
    membership = active_membership_of(initiator, team.pk)
    if membership is None:
        raise ValidationError({"team": _("You can only start a case in a team you are a member of.")})
    if not (reason_health or reason_learning or reason_safety):
        raise ValidationError({"reasons": _("Choose at least one of Health, Learning and Safety.")})

    details = child_details
    child = child_find(identity=identity, reserve_issuer=reserve_issuer)
    if child is None:
        child = _child_create(identity=identity, reserve_issuer=reserve_issuer.strip(), details=details, today=today)
    elif _age_on(child.birth_date, today) > MAX_AGE:
        raise ValidationError(
            _("HLT is for children and young people up to %(max)s years; this person is %(age)s.")
            % {"max": MAX_AGE, "age": _age_on(child.birth_date, today)}
        )
    elif details.protection != child.protection:
        # The shared row keeps the name it was registered with; protection is only ever raised.
        Child.objects.filter(pk=child.pk).update(protection=_stronger_protection(child.protection, details.protection))
        child.refresh_from_db(fields=["protection"])
    if Case.objects.filter(child=child, team=team).exclude(status=CaseStatus.CLOSED).exists():
        raise ValidationError(_("The child already has an open HLT case in this team."))

    area = team.area
    area_units = set(area.all_units().values_list("pk", flat=True))
    listed_in_area = details.health_centre is not None and details.health_centre.pk in area_units
    in_municipal_school = (
        details.school_unit is not None and details.school_unit.principal_type == PrincipalType.MUNICIPALITY
    )
    exception = eligibility_exception.strip()
    if not (listed_in_area and in_municipal_school) and not exception:
        raise ValidationError(
            {
                "eligibility_exception": _(
                    "The child is not both listed at a health centre of the team's area and in municipal "
                    "preschool or school. Give the reason for making an exception."
                )
            }
        )

    try:
        with transaction.atomic():
            case = Case.objects.create(
                child=child,
                team=team,
                initiator=initiator,
                initiator_unit=initiator_unit,
                initiated_on=today,
                reason_health=reason_health,
                reason_learning=reason_learning,
                reason_safety=reason_safety,
                reason_description=reason_description.strip(),
                family_view=family_view.strip(),
                child_view=child_view.strip(),
                school_unit=details.school_unit,
                health_centre=details.health_centre,
                letter_language=details.letter_language,
                interpreter_needed=details.interpreter_needed,
                listed_in_area=listed_in_area,
                in_municipal_school=in_municipal_school,
                eligibility_exception="" if listed_in_area and in_municipal_school else exception,
            )
    except IntegrityError:
        raise ValidationError(_("The child already has an open HLT case in this team.")) from None
    # Nobody is named by starting a case: a protected person's details are for the users the
    # coordinator names, or anyone could become "named" on a protected child by starting a case.
    case_event_record(case=case, actor=initiator, action="case.start", team_id=team.pk)
    if exception and not case.is_eligible:
        case_event_record(case=case, actor=initiator, action="case.eligibility_exception")
    return case


def case_transition(*, case: Case, to: str, actor, **fields) -> None:
    """Move `case` to status `to` if the move is allowed and nobody moved it first.

    `fields` are saved with the move (for example the closure reason).
    """
    if to not in TRANSITIONS[case.status]:
        raise ValidationError(
            _("A case that is “%(current)s” cannot become “%(next)s”.")
            % {"current": CaseStatus(case.status).label, "next": CaseStatus(to).label}
        )
    now = timezone.now()
    moved = Case.objects.filter(pk=case.pk, status=case.status).update(
        status=to, status_changed_at=now, updated_at=now, **fields
    )
    if moved != 1:
        raise ValidationError(_("Someone else changed the case just now. Reload the page and try again."))
    case_event_record(case=case, actor=actor, action="case.status", previous=case.status, status=to)
    previous = case.status
    case.status = to
    case.status_changed_at = now
    for name, value in fields.items():
        setattr(case, name, value)
    case_status_changed.send(sender=Case, case=case, previous=previous, actor=actor)


def _open_deadlines_text(case: Case) -> str:
    """The case's open deadlines owed to the family, in words, soonest first: "Follow-up due 2027-01-10; ...".
    (The end of consent is no promise to the family: it ends with the case.)"""
    deadlines = Deadline.objects.filter(case=case, completed_at__isnull=True, kind__in=owed_kinds()).order_by(
        "due_at", "pk"
    )
    return "; ".join(
        _("%(kind)s due %(date)s") % {"kind": DeadlineKind(deadline.kind).label, "date": deadline.due_date.isoformat()}
        for deadline in deadlines
    )


@transaction.atomic
def case_close(
    *,
    case: Case,
    actor,
    reason: str,
    note: str = "",
    family_experience: int | None = None,
    family_experience_comment: str = "",
    today: date,
) -> None:
    """Close the case with a reason and, if the family answered, how they experienced HLT (1-5 and a
    short comment). The date is kept so that retention can act on it later.

    Refused, with nothing changed, while the case has an open deadline (the message names each one
    with its due date): the family is owed the feedback or the follow-up first, or a follow-up that
    will not take place is cancelled. Listeners to `case_status_changed` end what ends with the case
    (the agenda, planned and ongoing interventions).
    """
    # The row lock makes the deadline check hold until the case is closed.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    case_require_open(locked)
    case.status = locked.status
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose the reason for closing the case.")})
    if family_experience is not None and not 1 <= family_experience <= 5:
        raise ValidationError({"family_experience": _("Choose a number from 1 to 5, or “The family did not answer”.")})
    note, comment = note.strip(), family_experience_comment.strip()
    for field, value, limit in [
        ("note", note, SHORT_TEXT),
        ("family_experience_comment", comment, FAMILY_COMMENT_MAX),
    ]:
        if len(value) > limit:
            message = _("Keep it short: at most %(limit)s characters (now %(count)s).")
            raise ValidationError({field: message % {"limit": limit, "count": len(value)}})
    open_deadlines = _open_deadlines_text(case)
    if open_deadlines:
        raise ValidationError(
            _(
                "The case has open deadlines: %(deadlines)s. Record the feedback or the follow-up first, or cancel "
                "a follow-up that will not take place."
            )
            % {"deadlines": open_deadlines}
        )
    case_transition(
        case=case,
        to=CaseStatus.CLOSED,
        actor=actor,
        closed_on=today,
        closure_reason=reason,
        closure_note=note,
        family_experience=family_experience,
        family_experience_comment=comment,
        consent_in_force_until=None,
    )


@transaction.atomic
def case_name_user(*, case: Case, actor, user) -> CaseNamedUser:
    """Name a member of the case's team on the case, so they see protected details."""
    if membership_of(user, case.team_id) is None:
        raise ValidationError({"user": _("Only members of the case's team can be named on it.")})
    named, created = CaseNamedUser.objects.get_or_create(case=case, user=user, defaults={"added_by": actor})
    if created:
        case_event_record(case=case, actor=actor, action="case.name_user", user_id=user.pk)
    return named


@transaction.atomic
def case_unname_user(*, case: Case, actor, user) -> None:
    """Take a user's name off the case."""
    deleted, _rows = CaseNamedUser.objects.filter(case=case, user=user).delete()
    if deleted:
        case_event_record(case=case, actor=actor, action="case.unname_user", user_id=user.pk)
