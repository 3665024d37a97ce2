"""Reads for the SIP: the plan of a case, its history, what it still lacks, and the legal reference."""

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from cases.models import Case
from consent.models import Purpose
from consent.selectors import GuardianState, consent_state
from sip.models import LegalDocument, LegalReference, Principal, Sip, SipParticipant, SipPrincipal, SipRevision

# What a revision's "what changed" codes mean, in the order the plan shows them.
CHANGE_LABELS = {
    "status": gettext_lazy("Status"),
    "family_goals": gettext_lazy("The family's own goals"),
    "efforts_needed": gettext_lazy("The efforts needed"),
    "principals": gettext_lazy("The principals and the efforts each answers for"),
    "other_measures": gettext_lazy("Measures taken by others"),
    "no_other_measures": gettext_lazy("Measures taken by others"),
    "participants": gettext_lazy("Participants"),
    "meeting_date": gettext_lazy("The SIP meeting"),
    "meeting_time": gettext_lazy("The SIP meeting"),
    "meeting_place": gettext_lazy("The SIP meeting"),
    "follow_up_date": gettext_lazy("Follow-up date"),
    "convener": gettext_lazy("Who convenes"),
}


def sip_consent_refusal(case: Case, *, today: date) -> str:
    """Why the guardians' SIP consent does not let the plan be made or changed ("" when it does).

    The HLT consent does not count: a SIP has its own consent. A withdrawn SIP consent keeps the
    plan as it is and stops every change.
    """
    state = consent_state(case, today=today, purpose=Purpose.SIP)
    if state.in_force:
        return ""
    if state.child_withdrew or any(g.state == GuardianState.WITHDRAWN for g in state.guardians):
        return _("The SIP consent has been withdrawn. The plan is kept as it is, but it can no longer be changed.")
    return _(
        "A SIP needs the guardians' own consent to the SIP, and it is not in force. Record each guardian's "
        "consent with the purpose SIP first: the HLT consent does not cover a SIP."
    )


def sip_for_case(case: Case) -> Sip | None:
    """The case's SIP with everything its summary and page show, or None: three queries with a
    plan (the plan with convener, its principals with unit and coordinator, its participants),
    one without, however many principals and participants it has."""
    return (
        Sip.objects.select_related("convener", "established_by", "ended_by")
        .prefetch_related(
            Prefetch("principals", queryset=SipPrincipal.objects.select_related("unit", "coordinator")),
            Prefetch("participants", queryset=SipParticipant.objects.all()),
        )
        .filter(case_id=case.pk)
        .first()
    )


def team_users(team_id: int) -> QuerySet[User]:
    """The team's active members, by name: who may convene, coordinate or be listed as a user."""
    return User.objects.filter(memberships__team_id=team_id, is_active=True).order_by("full_name", "pk")


def sip_revisions(sip: Sip) -> list[SipRevision]:
    """The plan's versions, newest first (one query; authors are looked up separately by id)."""
    return list(sip.revisions.order_by("-version"))


def change_labels(codes: list[str]) -> list[str]:
    """The labels of a revision's changed fields, each once, in the plan's order."""
    labels = []
    for code, label in CHANGE_LABELS.items():
        if code in codes and str(label) not in labels:
            labels.append(str(label))
    return labels


def legal_reference(document: str = LegalDocument.SIP) -> str:
    """The legal reference an administrator keeps for a kind of document ("" when none is kept)."""
    reference = LegalReference.objects.filter(document=document).first()
    return reference.text if reference else ""


def sip_missing_parts(sip: Sip, principals: list[SipPrincipal]) -> list[str]:
    """What the plan lacks of the four parts the law requires, in words (empty when complete).

    (1) the efforts needed; (2) the efforts each principal answers for, with the municipality and
    the region both taking part; (3) the measures taken by others, or a conscious "none"; (4)
    exactly one principal with the overall responsibility, with a named coordinator.
    """
    missing = []
    if not sip.efforts_needed.strip():
        missing.append(_("Part 1: describe the efforts needed."))

    types = {principal.principal_type for principal in principals}
    if Principal.MUNICIPALITY not in types and Principal.REGION not in types:
        missing.append(_("Part 2: add the municipality and the region as principals: they draw up the plan together."))
    elif Principal.MUNICIPALITY not in types:
        missing.append(_("Part 2: add the municipality as a principal: it draws up the plan together with the region."))
    elif Principal.REGION not in types:
        missing.append(_("Part 2: add the region as a principal: it draws up the plan together with the municipality."))
    for principal in principals:
        if not principal.responsibilities.strip():
            missing.append(
                _("Part 2: write which efforts %(principal)s answers for.") % {"principal": principal.name or "–"}
            )

    if sip.other_measures.strip() and sip.no_other_measures:
        missing.append(_("Part 3: measures taken by others are described and also marked as none. Choose one."))
    elif not sip.other_measures.strip() and not sip.no_other_measures:
        missing.append(_("Part 3: describe the measures taken by others, or tick that there are none."))

    overall = [principal for principal in principals if principal.is_overall_responsible]
    if not overall:
        missing.append(_("Part 4: choose the one principal that has the overall responsibility for the plan."))
    elif len(overall) > 1:
        missing.append(
            _("Part 4: only one principal can have the overall responsibility for the plan; %(count)s are marked.")
            % {"count": len(overall)}
        )
    elif not overall[0].coordinator_display.strip():
        missing.append(
            _("Part 4: name the coordinator at %(principal)s, which has the overall responsibility.")
            % {"principal": overall[0].name or "–"}
        )
    return missing


def sip_recommended(sip: Sip, participants: list[SipParticipant]) -> list[str]:
    """What local SIP routines add and the plan does not have yet: not required to establish it."""
    hints = []
    if not sip.family_goals.strip():
        hints.append(_("The family's own goals are not written down."))
    if sip.follow_up_date is None:
        hints.append(_("No follow-up date is set."))
    if sip.convener_id is None:
        hints.append(_("Nobody is named as convening the SIP meetings."))
    if not any(participant.role in ("child", "guardian") for participant in participants):
        hints.append(_("Neither the child nor a guardian is listed as taking part: the plan is made with the family."))
    return hints
