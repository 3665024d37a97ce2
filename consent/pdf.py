from django.utils import timezone

from cases.models import Adult, Case
from consent.models import CATEGORIES
from consent.services import default_valid_until
from hlt.pdf import render_pdf

TITLE = "Samtycke till samverkan inom HLT"


def consent_form_pdf(*, case: Case, guardian: Adult, show_address: bool, show_school: bool = True) -> bytes:
    """The pre-filled consent form (samtyckesblankett) for one guardian to sign.

    It names the child, the team and every unit of the team's area as parties, with the four
    information categories as boxes to tick, so the guardian chooses what to allow. Without
    `show_address` the guardian's address is left out (for a protected person the form says it is
    handed over in person); without `show_school`, the child's school.
    """
    today = timezone.localdate()
    parties = list(case.team.area.all_units())
    return render_pdf(
        "consent/consent_form_pdf.html",
        {
            "case": case,
            "child": case.child,
            "guardian": guardian,
            "show_address": show_address,
            "hide_school": not show_school,
            "parties": parties,
            "categories": [label for _field, label in CATEGORIES],
            "valid_from": today,
            "valid_until": default_valid_until(today),
            "today": today,
        },
        title=TITLE,
    )
