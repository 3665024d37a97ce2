"""Writes for guardians and consent. Each service is one transaction: it records its timeline event,
then recomputes whether the case's consent is in force and moves the case accordingly.

Guardians are managed here, not in `cases`, because every change to who is a guardian changes
whether the case's consent is in force.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import deadline_complete, deadline_open
from cases.models import Adult, Case, CaseStatus, Deadline, DeadlineKind
from cases.services import case_event_record, case_require_open, case_transition
from consent.models import CATEGORIES, Consent, ConsentException, Purpose
from consent.selectors import GuardianState, consent_state
from consent.uploads import sniff_document
from notifications.models import Kind
from notifications.services import notify
from teams.selectors import coordinator_users, is_coordinator

ADULT_FIELDS = [
    "first_name",
    "last_name",
    "identity_number",
    "relation",
    "is_guardian",
    "street_address",
    "postal_code",
    "city",
    "phone",
    "email",
    "protection",
    "language",
    "interpreter_needed",
]


# What protected identity hides of an adult: where they live, how to reach them, who they are.
PROTECTED_ADULT_FIELDS = ["identity_number", "street_address", "postal_code", "city", "phone", "email", "protection"]


def adult_protected_fields(case: Case, adult: Adult, *, may_see_protected: bool) -> list[str]:
    """The adult's fields a user who is not named on the case may neither see nor change: all of
    `PROTECTED_ADULT_FIELDS` when the adult or the child has protected identity, else none."""
    if may_see_protected or not (adult.is_protected or case.child.is_protected):
        return []
    return list(PROTECTED_ADULT_FIELDS)


def _case_link(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _case_people(case: Case, *, exclude=None) -> list:
    """Who hears about a case's consent: its initiator and the team's coordinators."""
    return [
        user for user in [case.initiator, *coordinator_users(case.team_id)] if exclude is None or user.pk != exclude.pk
    ]


def case_consent_refresh(*, case: Case, actor, today: date) -> Case:
    """Recompute whether the case's consent is in force, store the last day it is, and move the case:
    awaiting consent → ready when it comes into force, ready or on the agenda → awaiting consent when
    it lapses. Locks the case row so concurrent consent changes are applied one at a time.
    """
    locked = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    until_before = locked.consent_in_force_until
    state = consent_state(locked, today=today)
    lapsed = not state.in_force and state.lapsed
    if (locked.consent_in_force_until, locked.consent_lapsed) != (state.until, lapsed) and locked.is_open:
        Case.objects.filter(pk=locked.pk).update(
            consent_in_force_until=state.until, consent_lapsed=lapsed, updated_at=timezone.now()
        )
        locked.consent_in_force_until, locked.consent_lapsed = state.until, lapsed
    if state.in_force and locked.status == CaseStatus.AWAITING_CONSENT:
        case_transition(case=locked, to=CaseStatus.READY, actor=actor)
    elif not state.in_force and locked.status in (CaseStatus.READY, CaseStatus.ON_AGENDA):
        case_transition(case=locked, to=CaseStatus.AWAITING_CONSENT, actor=actor)
    case.status, case.consent_in_force_until = locked.status, locked.consent_in_force_until
    case.consent_lapsed = locked.consent_lapsed
    consent_deadline_follow(locked, until_before=until_before)
    return locked


def consent_deadline_follow(case: Case, *, until_before: date | None) -> None:
    """Keep the case's one open end-of-consent deadline (consent.expiry) in step with its consents:
    due on the earliest last day among its standing consents while the case is open, none otherwise.

    When that day or the last day the consent is in force changed (from `until_before`), the open
    deadline is met and a new one opened: its steps follow both dates, and its notices are keyed by
    case and end date, so what was sent is not sent again. Call with the case row locked. A deadline
    the sweep holds locked right now is left alone: taking its step refreshes the case after us.
    """
    first_end = None
    if case.is_open:
        standing = Consent.objects.filter(case=case, withdrawn_at__isnull=True, expired_at__isnull=True)
        first_end = standing.aggregate(first_end=Min("valid_until"))["first_end"]
    current = Deadline.objects.filter(case=case, kind=DeadlineKind.CONSENT_EXPIRY, completed_at__isnull=True)
    ids = list(current.values_list("pk", flat=True))
    held = list(current.select_for_update(skip_locked=True).filter(pk__in=ids))
    if len(held) < len(ids):
        return
    if [deadline.due_date for deadline in held] == [first_end] and case.consent_in_force_until == until_before:
        return
    for deadline in held:
        deadline_complete(deadline=deadline, actor=None)
    if first_end is not None:
        deadline_open(case=case, kind=DeadlineKind.CONSENT_EXPIRY, responsible=case.initiator, due_date=first_end)


@transaction.atomic
def adult_add(*, case: Case, actor, today: date, **fields) -> Adult:
    """Register a guardian or another adult of the case's child. A new guardian has not consented,
    so a case whose consent was in force waits for theirs."""
    case_require_open(case)
    adult = Adult(case=case, **{name: fields[name] for name in ADULT_FIELDS if name in fields})
    adult.full_clean()
    adult.save()
    case_event_record(case=case, actor=actor, action="adult.add", adult_id=adult.pk, guardian=adult.is_guardian)
    case_consent_refresh(case=case, actor=actor, today=today)
    return adult


@transaction.atomic
def adult_update(*, case: Case, adult: Adult, actor, today: date, **fields) -> Adult:
    """Change what is registered about an adult; a change of custody changes who must consent."""
    case_require_open(case)
    if adult.case_id != case.pk:
        raise ValidationError(_("The adult does not belong to this case."))
    was_guardian = adult.is_guardian
    for name in ADULT_FIELDS:
        if name in fields:
            setattr(adult, name, fields[name])
    adult.full_clean()
    adult.save()
    case_event_record(case=case, actor=actor, action="adult.update", adult_id=adult.pk, guardian=adult.is_guardian)
    if was_guardian != adult.is_guardian:
        case_consent_refresh(case=case, actor=actor, today=today)
    return adult


def default_valid_until(valid_from: date) -> date:
    """The default last day of a new consent: the configured number of months, less a day."""
    month = valid_from.month - 1 + settings.HLT_CONSENT_VALID_MONTHS
    year, month = valid_from.year + month // 12, month % 12 + 1
    # The same day of the month, or the month's last day when it has no such day (31 → 30).
    for day in range(valid_from.day, 27, -1):
        try:
            return date(year, month, day) - timedelta(days=1)
        except ValueError:
            continue
    return date(year, month, valid_from.day) - timedelta(days=1)


def consent_record(
    *,
    case: Case,
    actor,
    adult: Adult | None,
    parties,
    categories: list[str],
    valid_from: date,
    valid_until: date,
    method: str,
    oral_statement: str = "",
    maturity_assessment: str = "",
    document: UploadedFile | None = None,
    purpose: str = Purpose.HLT,
    today: date,
) -> Consent:
    """Record one guardian's (or, with `adult` None, the mature child's) consent for the case.

    Refused: a non-guardian, a child's consent without a maturity assessment, no party or category,
    parties outside the team's area, dates out of order or a start in the future, an end already
    past, oral consent without what was said, and a document that is not a PDF, JPEG or PNG or is
    too large. The case becomes ready for a meeting when this completes the consent.
    """
    case_require_open(case)
    errors = {}
    if adult is not None and (adult.case_id != case.pk or not adult.is_guardian):
        errors["giver"] = _("Only the child's legal guardians (or the child) can consent.")
    if adult is None and not maturity_assessment.strip():
        errors["maturity_assessment"] = _("Describe why the child is mature enough to consent.")
    allowed_parties = set(case.team.area.all_units().values_list("pk", flat=True))
    party_ids = {unit.pk for unit in parties}
    if not party_ids:
        errors["parties"] = _("Choose at least one party that may exchange information.")
    elif not party_ids <= allowed_parties:
        errors["parties"] = _("Choose parties among the units of the team's area.")
    known = {name for name, _label in CATEGORIES}
    if not categories or not set(categories) <= known:
        errors["categories"] = _("Choose at least one information category.")
    if valid_from > today:
        errors["valid_from"] = _("The consent cannot start later than today.")
    if valid_until < valid_from:
        errors["valid_until"] = _("The end date must not be before the start date.")
    elif valid_until < today:
        errors["valid_until"] = _("The end date has already passed.")
    if method == "oral" and not oral_statement.strip():
        errors["oral_statement"] = _("For oral consent, write down what was said.")
    document_type = ""
    if document is not None:
        try:
            document_type = sniff_document(document)
        except ValidationError as error:
            errors["document"] = error.messages
    if errors:
        raise ValidationError(errors)

    consent = Consent(
        case=case,
        purpose=purpose,
        adult=adult,
        maturity_assessment=maturity_assessment.strip() if adult is None else "",
        valid_from=valid_from,
        valid_until=valid_until,
        method=method,
        oral_statement=oral_statement.strip(),
        document_type=document_type,
        recorded_by=actor,
        **{name: name in categories for name in known},
    )
    try:
        with transaction.atomic():
            if document is not None:
                consent.document.save(document.name, document, save=False)
            consent.save()
            consent.parties.set(parties)
            case_event_record(
                case=case,
                actor=actor,
                action="consent.record",
                consent_id=consent.pk,
                adult_id=adult.pk if adult else None,
                method=method,
            )
            case_consent_refresh(case=case, actor=actor, today=today)
    except Exception:
        # Nothing half-saved: a failed transaction leaves no orphaned file behind either.
        if consent.document.name:
            consent.document.storage.delete(consent.document.name)
        raise
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, actor, method: str, note: str = "", today: date) -> Consent:
    """Record that the person withdrew their consent, from now on. Nothing is deleted: the team
    loses access to the case, and the initiator and coordinators are told (without names)."""
    now = timezone.now()
    withdrawn = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawal_method=method, withdrawal_note=note.strip(), withdrawal_recorded_by=actor
    )
    if withdrawn != 1:
        raise ValidationError(_("This consent has already been withdrawn."))
    consent.refresh_from_db()
    case = consent.case
    case_event_record(
        case=case,
        actor=actor,
        action="consent.withdraw",
        consent_id=consent.pk,
        adult_id=consent.adult_id,
        method=method,
    )
    case_consent_refresh(case=case, actor=actor, today=today)
    notify(
        recipients=_case_people(case, exclude=actor),
        kind=Kind.CONSENT_WITHDRAWN,
        key=f"consent-withdrawn:{consent.pk}",
        link=_case_link(case),
    )
    return consent


@transaction.atomic
def consent_exception_grant(*, case: Case, actor, adult: Adult, reason: str, today: date) -> ConsentException:
    """Let the case go ahead without one guardian's consent. Only the team's coordinator may
    approve it, as the named approver, with a reason; both are in the timeline."""
    case_require_open(case)
    if not is_coordinator(actor, case.team_id):
        raise ValidationError(_("Only the team's coordinator can approve an exception."))
    if adult.case_id != case.pk or not adult.is_guardian:
        raise ValidationError({"adult": _("Choose one of the child's guardians.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the exception.")})
    standing = {status.adult.pk: status.state for status in consent_state(case, today=today).guardians}
    if standing.get(adult.pk) == GuardianState.WITHDRAWN:
        # A guardian's no is final until they consent again; an exception is for one who cannot be asked.
        raise ValidationError(
            {"adult": _("This guardian has withdrawn their consent: an exception cannot override it.")}
        )
    exception, created = ConsentException.objects.get_or_create(
        case=case, purpose=Purpose.HLT, adult=adult, defaults={"approved_by": actor, "reason": reason.strip()}
    )
    if not created:
        raise ValidationError(_("An exception for this guardian has already been approved."))
    case_event_record(case=case, actor=actor, action="consent.exception", adult_id=adult.pk)
    case_consent_refresh(case=case, actor=actor, today=today)
    return exception
