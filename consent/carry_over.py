"""Carrying what an earlier case registered into a new case of the same child (issue 12).

Data belongs to the case that registered it, so a new case starts empty. When the family has
consented to the new case, a user who may see both cases can carry the earlier registrations over:
an explicit act, logged on both cases. Guardians are never carried: each case registers its own,
since their consent is what opens it.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Adult, Case
from cases.services import CASE_CHILD_FIELDS, case_event_record, case_require_open
from consent.selectors import consent_state
from consent.services import ADULT_FIELDS, PROTECTED_ADULT_FIELDS

# What fills an adult both cases registered: how to reach them (protection is raised separately).
CONTACT_FIELDS = [name for name in PROTECTED_ADULT_FIELDS if name != "protection"]


def _same_person(a: Adult, b: Adult) -> bool:
    if a.identity_number and b.identity_number:
        return a.identity_number == b.identity_number
    return (a.first_name.casefold(), a.last_name.casefold()) == (b.first_name.casefold(), b.last_name.casefold())


@transaction.atomic
def case_carry_over(*, source: Case, target: Case, actor, may_see_protected: bool, today: date) -> dict[str, int]:
    """Copy into `target` what `source` registered and `target` lacks: the child's school, health
    centre and language, the contact details of adults both cases registered, and the other adults
    (not guardians). Protected persons' details only when `may_see_protected` (the actor is named
    on both cases). Refused unless both are the same child's, `target` is open and its consent is in
    force. Returns counts of what was carried and what was left."""
    case_require_open(target)
    if source.child_id != target.child_id or source.pk == target.pk:
        raise ValidationError(_("Choose another case of the same child."))
    if not consent_state(target, today=today).in_force:
        raise ValidationError(
            _("The guardians' consent to this case must be in force before anything is carried over from another case.")
        )
    counts = {"details": 0, "adults": 0, "filled": 0, "left": 0}
    locked = Case.objects.select_for_update().get(pk=target.pk)
    if not source.has_protected_person or may_see_protected:
        for name in CASE_CHILD_FIELDS:
            if not getattr(locked, name) and getattr(source, name):
                setattr(locked, name, getattr(source, name))
                counts["details"] += 1
        locked.save(update_fields=[*CASE_CHILD_FIELDS, "updated_at"])
    elif any(getattr(source, name) for name in ("school_unit", "health_centre")):
        counts["left"] += 1
    existing = list(locked.adults.all())
    for adult in source.adults.all():
        if (adult.is_protected or source.child.is_protected) and not may_see_protected:
            counts["left"] += 1
            continue
        match = next((other for other in existing if _same_person(other, adult)), None)
        if match is not None:
            blanks = [name for name in CONTACT_FIELDS if not getattr(match, name) and getattr(adult, name)]
            for name in blanks:
                setattr(match, name, getattr(adult, name))
            if adult.is_protected and not match.is_protected:
                match.protection = adult.protection
                blanks.append("protection")
            if blanks:
                match.save(update_fields=[*blanks, "updated_at"])
                counts["filled"] += 1
        elif adult.is_guardian:
            counts["left"] += 1
        else:
            Adult.objects.create(case=locked, **{name: getattr(adult, name) for name in ADULT_FIELDS})
            counts["adults"] += 1
    case_event_record(case=locked, actor=actor, action="case.carry_over_in", source_id=str(source.pk), **counts)
    case_event_record(case=source, actor=actor, action="case.carry_over_out", target_id=str(target.pk))
    return counts
