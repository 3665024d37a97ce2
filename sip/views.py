"""SIP pages, all under a case the access policy has let the user see. One SIP per case, so the
case id is the only id in the URLs. A page that needs a plan the case does not have sends the user
to the SIP page, which offers to start one or explains what is missing."""

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from access.models import LogAction
from accounts.models import User
from cases.models import Case
from cases.pages import case_for_form, case_form_flow
from cases.selectors import case_plain
from hlt.forms import ConfirmForm
from hlt.pages import form_saved
from sip.forms import EndForm, NoteForm, ParticipantFormSet, PrincipalFormSet, SipForm
from sip.models import Sip, SipStatus
from sip.pdf import sip_document_pdf, sip_invitation_pdf
from sip.selectors import (
    change_labels,
    sip_consent_refusal,
    sip_for_case,
    sip_missing_parts,
    sip_recommended,
    sip_revisions,
    team_users,
)
from sip.services import (
    CONTENT_FIELDS,
    ParticipantInput,
    PrincipalInput,
    sip_create,
    sip_end,
    sip_establish,
    sip_update,
)


def _sip_url(case: Case) -> str:
    return reverse("sip:detail", args=[case.pk])


def _to_sip_page(case: Case):
    return redirect(_sip_url(case))


def _no_sip(request, case: Case):
    messages.info(request, _("The case has no SIP yet."))
    return _to_sip_page(case)


@login_required
def sip_detail(request, case_id):
    """The case's SIP: the plan with its four statutory parts, or how to start one."""
    case = policy.get_for_user(request, case_plain(), case_id)
    today = timezone.localdate()
    sip = sip_for_case(case)
    refusal = sip_consent_refusal(case, today=today)
    context = {"case": case, "sip": sip, "consent_refusal": refusal, "today": today}
    if sip is not None:
        principals, participants = list(sip.principals.all()), list(sip.participants.all())
        context.update(
            principals=principals,
            participants=participants,
            missing=sip_missing_parts(sip, principals) if not sip.is_established else [],
            can_edit=case.is_open and not refusal and not sip.is_ended,
            can_end=case.is_open and sip.is_established,
        )
    else:
        context["can_start"] = case.is_open and not refusal
    return render(request, "sip/sip_detail.html", context)


@login_required
def sip_new(request, case_id):
    """Start the SIP: offered only while the guardians' SIP consent is in force."""
    case = case_for_form(request, case_id)
    if Sip.objects.filter(case=case).exists():
        return _to_sip_page(case)
    refusal = sip_consent_refusal(case, today=timezone.localdate())
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if saved := form_saved(
        request,
        form,
        save=lambda data: sip_create(case=case, actor=request.user, today=timezone.localdate()),
        success=_("The SIP is started. Fill in the plan together with the family."),
        redirect_to=reverse("sip:edit", args=[case.pk]),
    ):
        return saved
    return render(request, "sip/sip_new.html", {"case": case, "form": form, "consent_refusal": refusal})


def _initial_rows(rows, input_class) -> list[dict]:
    """A form set's rows as they are saved: the fields the service's input names, foreign keys as ids."""
    names = [field.name for field in dataclasses.fields(input_class)]
    return [model_to_dict(row, fields=names) for row in rows]


@login_required
def sip_edit(request, case_id):
    """Change the plan: its content, its principals and its participants. A change to an
    established plan makes a new version with a note of what changed."""
    case = case_for_form(request, case_id)
    sip = sip_for_case(case)
    if sip is None:
        return _no_sip(request, case)
    today = timezone.localdate()
    refusal = sip_consent_refusal(case, today=today)
    if sip.is_ended or not case.is_open or refusal:
        messages.error(request, refusal or _("The plan can no longer be changed."))
        return _to_sip_page(case)
    members = team_users(case.team_id)
    data = request.POST if request.method == "POST" else None
    form = SipForm(
        data,
        members=members,
        established=sip.is_established,
        initial={name: getattr(sip, name) for name in CONTENT_FIELDS},
    )
    principals = PrincipalFormSet(
        data,
        initial=_initial_rows(sip.principals.all(), PrincipalInput),
        prefix="principals",
        form_kwargs={"units": case.team.area.all_units(), "members": members},
    )
    participants = ParticipantFormSet(
        data,
        initial=_initial_rows(sip.participants.all(), ParticipantInput),
        prefix="participants",
        form_kwargs={"members": members},
    )

    def save(data):
        return sip_update(
            sip=sip,
            actor=request.user,
            today=today,
            principals=principals.principals(),
            participants=participants.participants(),
            note=data.get("note", ""),
            **{name: data[name] for name in CONTENT_FIELDS},
        )

    def saved_as(updated: Sip) -> str:
        if updated.version != sip.version:
            return _("The plan is saved as version %(version)s.") % {"version": updated.version}
        return _("The plan is saved.")

    if saved := form_saved(
        request, form, also=(principals, participants), save=save, success=saved_as, redirect_to=_sip_url(case)
    ):
        return saved
    context = {"case": case, "sip": sip, "form": form, "principals": principals, "participants": participants}
    return render(request, "sip/sip_form.html", context)


@login_required
def sip_establish_view(request, case_id):
    """Establish the plan, once its four statutory parts are there: the page lists what is missing."""
    case = case_for_form(request, case_id)
    sip = sip_for_case(case)
    if sip is None:
        return _no_sip(request, case)
    if sip.status != SipStatus.DRAFT:
        messages.info(request, _("The plan is already established."))
        return _to_sip_page(case)
    form = NoteForm(request.POST if request.method == "POST" else None)
    if saved := form_saved(
        request,
        form,
        save=lambda data: sip_establish(sip=sip, actor=request.user, today=timezone.localdate(), note=data["note"]),
        success=_("The plan is established as version 1."),
        redirect_to=_sip_url(case),
    ):
        return saved
    principals, participants = list(sip.principals.all()), list(sip.participants.all())
    context = {
        "case": case,
        "sip": sip,
        "form": form,
        "missing": sip_missing_parts(sip, principals),
        "recommended": sip_recommended(sip, participants),
        "consent_refusal": sip_consent_refusal(case, today=timezone.localdate()),
    }
    return render(request, "sip/sip_establish.html", context)


@login_required
def sip_end_view(request, case_id):
    """End an established plan, with the reason; its last version records it."""
    case = case_for_form(request, case_id)
    sip = sip_for_case(case)
    if sip is None:
        return _no_sip(request, case)
    if not sip.is_established:
        messages.info(request, _("Only an established plan can be ended."))
        return _to_sip_page(case)
    return case_form_flow(
        request,
        case,
        EndForm(request.POST if request.method == "POST" else None),
        save=lambda data: sip_end(sip=sip, actor=request.user, note=data["note"]),
        success=_("The plan has ended. It is kept with its history."),
        redirect_to=_sip_url(case),
        title=_("End the SIP"),
        intro=_("An ended plan is kept with all its versions; it can no longer be changed."),
        submit=_("End the plan"),
    )


@login_required
def sip_history(request, case_id):
    """Every version of the plan: what changed, who changed it and when, and what it said."""
    case = policy.get_for_user(request, case_plain(), case_id)
    sip = Sip.objects.filter(case=case).first()
    if sip is None:
        return _no_sip(request, case)
    revisions = sip_revisions(sip)
    names = dict(
        User.objects.filter(pk__in={r.author_id for r in revisions if r.author_id}).values_list("pk", "full_name")
    )
    for revision in revisions:
        revision.author_name = names.get(revision.author_id, "–")
        revision.change_labels = change_labels(revision.changed_fields)
    return render(request, "sip/sip_history.html", {"case": case, "sip": sip, "revisions": revisions})


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def sip_pdf(request, case_id):
    """The plan as a PDF for the family and the participants (logged as a print)."""
    case = policy.get_for_user(request, case_plain(), case_id, log_action=LogAction.PRINT)
    sip = sip_for_case(case)
    if sip is None:
        return _no_sip(request, case)
    return _pdf_response(sip_document_pdf(case=case, sip=sip), f"sip-{case.reference}-v{sip.version}.pdf")


@login_required
def sip_invitation(request, case_id):
    """The invitation (kallelse) to the SIP meeting as a PDF (logged as a print). Needs a meeting
    date, and the SIP consent in force: without it nobody is convened."""
    case = policy.get_for_user(request, case_plain(), case_id, log_action=LogAction.PRINT)
    sip = sip_for_case(case)
    if sip is None:
        return _no_sip(request, case)
    refusal = sip_consent_refusal(case, today=timezone.localdate())
    if refusal or sip.is_ended:
        messages.error(request, refusal or _("The plan has ended: there is no SIP meeting to convene."))
        return _to_sip_page(case)
    if sip.meeting_date is None:
        messages.error(request, _("Set the date of the SIP meeting before printing the invitation."))
        return redirect("sip:edit", case.pk)
    return _pdf_response(sip_invitation_pdf(case=case, sip=sip), f"sip-kallelse-{case.reference}.pdf")
