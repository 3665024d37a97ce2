"""Guardians and consent pages, all under a case the access policy has let the user see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from access.log import form_log_action
from access.models import LogAction
from cases.models import Case
from cases.pages import case_for_form, case_form_flow
from cases.selectors import case_for_page, case_plain
from consent.carry_over import case_carry_over
from consent.forms import AdultForm, ConsentForm, ExceptionForm, WithdrawForm
from consent.models import Consent, Purpose
from consent.pdf import consent_form_pdf
from consent.services import (
    ADULT_FIELDS,
    adult_add,
    adult_protected_fields,
    adult_update,
    consent_exception_grant,
    consent_record,
    consent_withdraw,
)
from hlt.forms import ConfirmForm
from hlt.pages import form_page


@login_required
def adult_new(request, case_id):
    """Register a guardian or another adult of the child."""
    case = case_for_form(request, case_id)
    return case_form_flow(
        request,
        case,
        AdultForm(request.POST or None),
        save=lambda data: adult_add(case=case, actor=request.user, today=timezone.localdate(), **data),
        success=_("The adult is registered."),
        title=_("Register a guardian or another adult"),
        intro=_("Only legal guardians give consent. A parent without custody can be registered but has no say."),
        submit=_("Save"),
    )


@login_required
def adult_edit(request, case_id, adult_id: int):
    """Change what is registered about an adult (a change of custody changes who must consent)."""
    case = case_for_form(request, case_id)
    adult = policy.get_part(request, case.adults.all(), adult_id, log_action=form_log_action(request))
    # A protected person's details are neither shown nor changed by users not named on the case:
    # the form leaves them out, so they cannot be read from it or posted over (protection included).
    may_see_protected = policy.VIEW_PROTECTED in policy.permitted_actions(request.user, case, [policy.VIEW_PROTECTED])
    hidden = adult_protected_fields(case, adult, may_see_protected=may_see_protected)
    form = AdultForm(request.POST or None, instance=adult, hidden_fields=hidden)

    def save(data):
        fields = {name: data[name] for name in ADULT_FIELDS if name in form.fields}
        adult_update(case=case, adult=adult, actor=request.user, today=timezone.localdate(), **fields)

    intro = (
        _(
            "This person's address, contact details and identity number are protected: only users named on "
            "the case see and change them."
        )
        if hidden
        else ""
    )
    return case_form_flow(
        request,
        case,
        form,
        save=save,
        success=_("The changes are saved."),
        title=_("Change an adult's details"),
        intro=intro,
        submit=_("Save"),
    )


@login_required
def consent_new(request, case_id):
    """Record a guardian's (or a mature child's) consent, with the signed form if there is one."""
    # Also after a withdrawal: the family may consent again.
    case = case_for_form(request, case_id, action=policy.RECORD_CONSENT)
    guardians = case.adults.filter(is_guardian=True)
    # ?syfte=sip (the SIP page links here) ticks the SIP purpose; the form lets the user choose.
    purpose = Purpose.SIP if request.GET.get("syfte") == Purpose.SIP else Purpose.HLT
    form = ConsentForm(request.POST or None, request.FILES or None, case=case, guardians=guardians, purpose=purpose)

    def save(data):
        # The form's fields are the service's arguments, but for the giver, who is the consenting adult.
        details = {name: value for name, value in data.items() if name != "giver"}
        consent_record(case=case, actor=request.user, adult=data["giver"], today=timezone.localdate(), **details)

    return case_form_flow(
        request,
        case,
        form,
        save=save,
        success=_("The consent is recorded."),
        title=_("Record consent"),
        intro=_(
            "The consent covers the parties, categories and period the person agreed to. It can be withdrawn "
            "at any time."
        ),
        multipart=True,
    )


@login_required
def consent_withdraw_view(request, case_id, consent_id: int):
    """Record a withdrawal: from now on the team no longer sees the case. Nothing is deleted."""
    case = case_for_form(request, case_id, action=policy.RECORD_CONSENT)
    consent = policy.get_part(
        request,
        Consent.objects.select_related("adult", "case").filter(case=case),
        consent_id,
        log_action=form_log_action(request),
    )

    def save(data):
        consent_withdraw(consent=consent, actor=request.user, today=timezone.localdate(), **data)

    def after(_withdrawn):
        # The initiator and the coordinator still see the case; anyone else has just lost it.
        if consent.purpose == Purpose.SIP or policy.permits(request.user, policy.VIEW_STATUS, case):
            return case.get_absolute_url()
        return reverse("cases:list")

    giver = consent.adult.full_name if consent.adult else _("the child")
    if consent.purpose == Purpose.SIP:
        intro = _(
            "Record that %(person)s withdraws the consent to the SIP. From this moment the plan can no longer be "
            "changed; the plan and what is recorded are kept. The HLT consent is not affected."
        )
        success = _("The withdrawal is recorded. The SIP is kept but can no longer be changed.")
    else:
        intro = _(
            "Record that %(person)s withdraws the consent. From this moment the team no longer sees the case and "
            "it leaves upcoming agendas; what is recorded is kept."
        )
        success = _("The withdrawal is recorded. The team no longer sees the case.")
    return case_form_flow(
        request,
        case,
        WithdrawForm(request.POST or None),
        save=save,
        success=success,
        redirect_to=after,
        title=_("Withdraw consent"),
        intro=intro % {"person": giver},
        submit=_("Record the withdrawal"),
    )


@login_required
def consent_exception(request, case_id):
    """The coordinator approves going ahead without one guardian's consent, with a reason."""
    case = case_for_form(request, case_id, action=policy.COORDINATE)
    return case_form_flow(
        request,
        case,
        ExceptionForm(request.POST or None, guardians=case.adults.filter(is_guardian=True)),
        save=lambda data: consent_exception_grant(case=case, actor=request.user, today=timezone.localdate(), **data),
        success=_("The exception is approved and recorded with your name."),
        title=_("Approve an exception from a guardian's consent"),
        intro=_(
            "With joint custody every guardian consents. Approve an exception only when there are strong reasons, "
            "for example when a guardian cannot be reached. You are recorded as the approver."
        ),
        submit=_("Approve the exception"),
    )


@login_required
def consent_document(request, case_id, consent_id: int):
    """The uploaded signed form, only through the access policy, never from a public URL."""
    case = policy.get_for_user(request, case_plain(), case_id, log_action=LogAction.EXPORT)
    consent = policy.get_part(request, Consent.objects.filter(case=case), consent_id, log_action=LogAction.EXPORT)
    if not consent.document:
        raise Http404
    extension = consent.document.name.rsplit(".", 1)[-1]
    response = FileResponse(
        consent.document.open("rb"),
        as_attachment=True,
        filename=f"samtycke-{case.reference}-{consent.pk}.{extension}",
        content_type=consent.document_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def consent_form_download(request, case_id, adult_id: int):
    """The pre-filled consent form for one guardian, as a print-ready PDF (logged as a print)."""
    # Also after a withdrawal: a new form is how the family consents again.
    case = policy.get_for_user(request, case_plain(), case_id, action=policy.RECORD_CONSENT, log_action=LogAction.PRINT)
    adult = policy.get_part(request, case.adults.filter(is_guardian=True), adult_id, log_action=LogAction.PRINT)
    # A protected person's address is never printed: the form may travel by post or lie on a desk.
    # After a withdrawal or expiry the form is how the family consents again, and it shows no more
    # than winding up may: the child and the guardian, not the address nor the school.
    full = policy.VIEW in policy.permitted_actions(request.user, case, [policy.VIEW])
    protected = case.child.is_protected or adult.is_protected
    pdf = consent_form_pdf(case=case, guardian=adult, show_address=full and not protected, show_school=full)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="samtyckesblankett-{case.reference}-{adult.pk}.pdf"'
    return response


@login_required
def carry_over(request, case_id, source_id):
    """Carry what another case of the child registered into this one: shown as a confirmation,
    done on POST. Both cases go through the policy, so both reads are in the access log."""
    case = case_for_form(request, case_id)
    # Only another case of the same child is a source: any other id is not found, and logged as a
    # denied read naming that case's child, before the policy is asked whether the user sees it.
    others = Case.objects.filter(child_id=case.child_id).exclude(pk=case.pk)
    policy.get_part(request, others, source_id, log_action=LogAction.EXPORT)
    source = policy.get_for_user(request, case_for_page(), source_id, log_action=LogAction.EXPORT)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        named_on_both = all(policy.permits(request.user, policy.VIEW_PROTECTED, c) for c in (case, source))
        try:
            counts = case_carry_over(
                source=source,
                target=case,
                actor=request.user,
                may_see_protected=named_on_both,
                today=timezone.localdate(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            message = _(
                "Carried over from case %(reference)s: %(details)s of the child's details, %(adults)s adults, the "
                "contact details of %(filled)s. Left out: %(left)s (guardians are registered and consent under this "
                "case; protected details are carried only by users named on both cases)."
            )
            messages.success(request, message % {"reference": source.reference, **counts})
        return redirect("cases:detail", case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Carry over from case %(reference)s") % {"reference": source.reference},
        intro=_(
            "The child's school, health centre and language, the contact details of adults registered under both "
            "cases and the other adults are copied into this case where it lacks them. Guardians are not copied: "
            "they are registered and consent under this case. The copy is recorded on both cases."
        ),
        submit=_("Carry over"),
    )
