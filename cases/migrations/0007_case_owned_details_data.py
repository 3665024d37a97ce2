"""Give each adult and each of the child's details to the case that registered them.

- An adult belongs to the case whose timeline registered them (`adult.add`); failing that, to the
  first case that holds their consent, else to the child's first case. Every other case that used
  the adult (a consent, an exception, a change in its timeline) gets its own copy, with its consents,
  exceptions and timeline pointed at the copy: nothing is lost, and no case keeps seeing what it
  did not use.
- The school, health centre, language and interpreter go to the case that last changed each of
  them (`child.update`), else to the child's first case. The child's other cases start without
  them; their teams register them again with the family.
- A case whose consent was withdrawn or has expired, and is not in force, is marked lapsed.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

# Field name (as `child.update` events name it) -> column.
DETAILS = {
    "school_unit": "school_unit_id",
    "health_centre": "health_centre_id",
    "letter_language": "letter_language",
    "interpreter_needed": "interpreter_needed",
}
COLUMNS = list(DETAILS.values())
DEFAULTS = {"school_unit_id": None, "health_centre_id": None, "letter_language": "sv", "interpreter_needed": False}


def _first_cases(Case):
    first = {}
    for case_id, child_id in Case.objects.order_by("created_at", "pk").values_list("pk", "child_id"):
        first.setdefault(child_id, case_id)
    return first


def _copy_for(adult_id, case_id, Adult, Consent, ConsentException, CaseEvent):
    """A copy of the adult for another case that used them, with that case's records pointed at it."""
    copy = Adult.objects.get(pk=adult_id)
    copy.pk = None
    copy.case_id = case_id
    copy.save()
    Consent.objects.filter(adult_id=adult_id, case_id=case_id).update(adult_id=copy.pk)
    ConsentException.objects.filter(adult_id=adult_id, case_id=case_id).update(adult_id=copy.pk)
    for event in CaseEvent.objects.filter(case_id=case_id, action__regex=r"^(adult|consent)\."):
        if event.details.get("adult_id") == adult_id:
            event.details["adult_id"] = copy.pk
            event.save(update_fields=["details"])


def forwards(apps, schema_editor):
    Adult = apps.get_model("cases", "Adult")
    Case = apps.get_model("cases", "Case")
    Child = apps.get_model("cases", "Child")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Consent = apps.get_model("consent", "Consent")
    ConsentException = apps.get_model("consent", "ConsentException")

    # The child's details: first to each child's first case, in one statement.
    first = _first_cases(Case)
    child_row = Child.objects.filter(pk=OuterRef("child_id"))
    Case.objects.filter(pk__in=list(first.values())).update(
        **{column: Subquery(child_row.values(column)[:1]) for column in COLUMNS}
    )
    # Then a field changed later (`child.update`) moves to the case that changed it last.
    owner = {}
    events = CaseEvent.objects.filter(action="child.update").order_by("occurred_at", "pk")
    for case_id, child_id, details in events.values_list("case_id", "case__child_id", "details"):
        for name in details.get("fields", []):
            if name in DETAILS:
                owner[(child_id, DETAILS[name])] = case_id
    for (child_id, column), case_id in owner.items():
        value = Child.objects.filter(pk=child_id).values_list(column, flat=True).first()
        Case.objects.filter(child_id=child_id).update(**{column: DEFAULTS[column]})
        Case.objects.filter(pk=case_id).update(**{column: value})

    # The adults.
    created = dict(Case.objects.values_list("pk", "created_at"))
    registered_by, used_by = {}, {}
    for case_id, action, details in CaseEvent.objects.filter(action__regex=r"^(adult|consent)\.").values_list(
        "case_id", "action", "details"
    ):
        if details.get("adult_id"):
            used_by.setdefault(details["adult_id"], set()).add(case_id)
            if action == "adult.add":
                registered_by.setdefault(details["adult_id"], case_id)
    for model in (Consent, ConsentException):
        for adult_id, case_id in model.objects.values_list("adult_id", "case_id"):
            if adult_id:
                used_by.setdefault(adult_id, set()).add(case_id)
    for adult in Adult.objects.order_by("pk"):
        users = used_by.get(adult.pk, set())
        home = registered_by.get(adult.pk) or min(users, key=created.get, default=first.get(adult.child_id))
        if home is None:
            raise RuntimeError(f"Adult {adult.pk} belongs to a child without a case; resolve it by hand first.")
        Adult.objects.filter(pk=adult.pk).update(case_id=home)
        for case_id in sorted(users - {home}, key=created.get):
            _copy_for(adult.pk, case_id, Adult, Consent, ConsentException, CaseEvent)

    # Lapsed consent: withdrawn or expired, and the case is not in force now.
    lapsed = Consent.objects.filter(withdrawn_at__isnull=False) | Consent.objects.filter(expired_at__isnull=False)
    Case.objects.filter(pk__in=lapsed.values("case_id"), consent_in_force_until__isnull=True).update(
        consent_lapsed=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_owned_details"),
        ("consent", "0001_initial"),
    ]

    # Backwards is not offered: the copies cannot be told apart from adults registered twice.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
