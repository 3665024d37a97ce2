"""The SIP as print-ready PDFs: the plan for the family and participants, and the invitation
(kallelse) to a SIP meeting. Both are Swedish documents, so the words for roles and principals are
written in Swedish here, and the legal reference is the one an administrator keeps as data.
"""

from django.utils import timezone

from cases.models import Case
from hlt.pdf import render_pdf
from sip.models import Sip
from sip.selectors import legal_reference
from teams.selectors import membership_of

ROLES = {
    "child": "Barnet",
    "guardian": "Vårdnadshavare",
    "professional": "Yrkesperson",
    "other_actor": "Annan aktör",
    "relative": "Närstående",
}
PRINCIPALS = {"municipality": "Kommunen", "region": "Regionen"}
STATUSES = {"draft": "Utkast – inte fastställd", "established": "Fastställd", "ended": "Avslutad"}


def _principals(sip: Sip) -> list[dict]:
    return [
        {
            "principal": PRINCIPALS.get(p.principal_type, p.principal_type),
            "name": p.name,
            "responsibilities": p.responsibilities,
            "overall": p.is_overall_responsible,
            "coordinator": p.coordinator_display,
        }
        for p in sip.principals.all()
    ]


def _participants(sip: Sip) -> list[dict]:
    return [
        {"name": p.name, "role": ROLES.get(p.role, p.role), "organisation": p.organisation}
        for p in sip.participants.all()
    ]


def _convener(case: Case, sip: Sip) -> dict | None:
    """Who convenes and how to reach them at work: name, workplace, phone and e-mail."""
    user = sip.convener
    if user is None:
        return None
    membership = membership_of(user, case.team_id)
    return {
        "name": user.full_name,
        "unit": membership.home_unit.name if membership and membership.home_unit_id else "",
        "phone": user.phone,
        "email": user.email,
    }


def _common(case: Case, sip: Sip) -> dict:
    principals = _principals(sip)
    return {
        "case": case,
        "child": case.child,
        "sip": sip,
        "status": STATUSES.get(sip.status, sip.status),
        "principals": principals,
        "overall": next((p for p in principals if p["overall"]), None),
        "participants": _participants(sip),
        "convener": _convener(case, sip),
        "legal_reference": legal_reference(),
        "today": timezone.localdate(),
    }


def sip_document_pdf(*, case: Case, sip: Sip) -> bytes:
    """The plan: the child, who takes part, the family's goals, the four parts the law requires
    under their own headings, the overall responsibility and coordinator, the SIP meeting and
    follow-up, who convenes, the legal reference, version and date. It prints no address at all,
    and not the school when the child or an adult of the case is protected."""
    return render_pdf("sip/sip_pdf.html", _common(case, sip))


def sip_invitation_pdf(*, case: Case, sip: Sip) -> bytes:
    """The invitation to the SIP meeting, addressed to the guardians: when and where, who convenes
    and how to reach them, who is invited, what the meeting is for, and the legal reference.

    For a protected child or guardian no address is printed and the letter is marked for handing
    over in person, as the feedback letter is.
    """
    guardians = [adult for adult in case.adults.all() if adult.is_guardian]
    hand_over = case.child.is_protected or any(adult.is_protected for adult in guardians)
    return render_pdf(
        "sip/invitation_pdf.html",
        {
            **_common(case, sip),
            "hand_over": hand_over,
            "guardians": [
                {"name": adult.full_name, "address": [] if hand_over else adult.address_lines} for adult in guardians
            ],
        },
    )
