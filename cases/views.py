"""Case pages. Each view asks the access policy for the case, calls one service, and renders."""

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import policy
from access.log import log_access, log_child_search
from access.models import LogAction, Outcome
from cases.forms import (
    CaseCloseForm,
    CaseFilterForm,
    CaseSearchForm,
    CaseStartForm,
    ChildForm,
    IdentitySearchForm,
    NameUserForm,
)
from cases.identity import Identity, IdentityType, parse_national_id
from cases.models import Case
from cases.pages import case_for_form, case_form_flow
from cases.panels import panels_for_page
from cases.selectors import (
    case_for_page,
    case_list,
    case_plain,
    people_named_in,
    team_members,
    teams_of,
    timeline,
)
from cases.services import (
    CHILD_FIELDS,
    IDENTITY_FIELDS,
    ChildDetails,
    case_close,
    case_name_user,
    case_start,
    case_unname_user,
    child_find,
    child_update,
)
from hlt.forms import add_service_errors
from hlt.pages import form_saved

PAGE_SIZE = 25
SESSION_KEY = "new_case_identity"
SEARCH_KEY = "case_search"


@login_required
def case_list_view(request):
    """The cases of my teams, filtered, searched and sorted; one access-log entry per child a page
    shows, as a search while a search is active. The search term lives in the session, so neither
    a name nor an identity number goes into a URL."""
    search = _case_search(request)
    if search is None:
        return redirect("cases:list")
    form = CaseFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    term = request.session.get(SEARCH_KEY, "")
    cases = case_list(
        request.user,
        status=filters.get("status", ""),
        team=filters.get("team"),
        sort=filters.get("sort") or "newest",
        search=term,
        today=timezone.localdate(),
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("sida"))
    if page.object_list or term:
        policy.log_list(request, Case, page.object_list, action=LogAction.SEARCH if term else LogAction.LIST)
    query = request.GET.copy()
    query.pop("sida", None)
    context = {"form": form, "search": search, "term": term, "page": page, "query": query.urlencode()}
    return render(request, "cases/case_list.html", context)


def _case_search(request) -> CaseSearchForm | None:
    """A posted search is kept in the session (None: redirect, so a reload does not post again)."""
    if request.method != "POST":
        return CaseSearchForm(initial={"term": request.session.get(SEARCH_KEY, "")})
    if "clear" in request.POST:
        request.session.pop(SEARCH_KEY, None)
        return None
    search = CaseSearchForm(request.POST)
    if not search.is_valid():
        return search
    request.session[SEARCH_KEY] = search.cleaned_data["term"]
    return None


def _require_team_member(request) -> None:
    """Only team members start cases: anyone else could use the search to learn whose number it is."""
    if not teams_of(request.user).exists():
        log_access(request, action=LogAction.SEARCH, outcome=Outcome.DENIED, object_type="cases.child")
        raise PermissionDenied


@login_required
def case_new(request):
    """Ny HLT-anmälan, step one: find the child by identity number. Every search is logged."""
    _require_team_member(request)
    form = IdentitySearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identity: Identity = form.cleaned_data["identity"]
        issuer = form.cleaned_data.get("reserve_issuer", "").strip()
        # Logged with the child's internal id when the register knows the number, but the answer is the
        # same either way: a search tells the user nothing about children they may not see.
        child = child_find(identity=identity, reserve_issuer=issuer)
        log_child_search(request, child)
        # The number travels in the session, never in a URL.
        request.session[SESSION_KEY] = {"type": identity.type, "number": identity.number, "issuer": issuer}
        return redirect("cases:new_details")
    return render(request, "cases/case_new.html", {"form": form})


def _identity_from_session(request) -> tuple[Identity, str] | None:
    stored = request.session.get(SESSION_KEY)
    if not stored:
        return None
    return Identity(type=stored["type"], number=stored["number"], birth_date=None), stored["issuer"]


@login_required
def case_new_details(request):
    """Ny HLT-anmälan, step two: the child's details (if new) and the case."""
    _require_team_member(request)
    found = _identity_from_session(request)
    if found is None:
        messages.info(request, _("Start by searching for the child's identity number."))
        return redirect("cases:new")
    identity, issuer = found
    data = request.POST if request.method == "POST" else None
    case_form = CaseStartForm(data, user=request.user)
    # The same form whether or not the register knows the child: the page tells nobody that it does.
    child_form = ChildForm(data, user=request.user, identity_type=identity.type)
    if data is not None and case_form.is_valid() and child_form.is_valid():
        try:
            case = case_start(
                initiator=request.user,
                team=case_form.cleaned_data["team"],
                initiator_unit=case_form.cleaned_data["initiator_unit"],
                identity=_with_birth_date(identity),
                reserve_issuer=issuer,
                child_details=ChildDetails(**child_form.cleaned_data),
                reason_health="health" in case_form.cleaned_data["reasons"],
                reason_learning="learning" in case_form.cleaned_data["reasons"],
                reason_safety="safety" in case_form.cleaned_data["reasons"],
                reason_description=case_form.cleaned_data["reason_description"],
                family_view=case_form.cleaned_data["family_view"],
                child_view=case_form.cleaned_data["child_view"],
                eligibility_exception=case_form.cleaned_data["eligibility_exception"],
                today=timezone.localdate(),
            )
        except ValidationError as error:
            add_service_errors(child_form if _is_child_error(error) else case_form, error)
        else:
            del request.session[SESSION_KEY]
            log_access(request, action=LogAction.CREATE, outcome=Outcome.ALLOWED, obj=case, child_id=case.child_id)
            messages.success(
                request,
                _("The case is started. Register the guardians and record their consent before the team meets."),
            )
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/case_new_details.html",
        {"case_form": case_form, "child_form": child_form, "identity": identity},
    )


def _with_birth_date(identity: Identity) -> Identity:
    # The session keeps type and number only; the birth date is derived from the number again.
    if identity.type == IdentityType.RESERVNUMMER:
        return identity
    return parse_national_id(identity.number, today=timezone.localdate())


def _is_child_error(error: ValidationError) -> bool:
    return hasattr(error, "error_dict") and "birth_date" in error.error_dict


# What the case page asks the policy once for its own sections and its panels (cases.panels).
PAGE_ACTIONS = [policy.VIEW, policy.VIEW_PROTECTED, policy.COORDINATE, policy.CLOSE, policy.EDIT, policy.RECORD_CONSENT]


@login_required
def case_detail(request, case_id):
    """The case: child, adults, consent and why it is or is not in force, the plan, the SIP, the
    meetings and the timeline; the apps that own them register their panels (cases.panels). After a
    withdrawal or expiry, only what winding the case up needs (the policy's `WIND_UP_ACTIONS`)."""
    case = policy.get_for_user(request, case_for_page(), case_id, action=policy.VIEW_STATUS)
    today = timezone.localdate()
    actions = policy.permitted_actions(request.user, case, PAGE_ACTIONS)
    context = _detail_context(case, actions, today)
    context.update(panels_for_page(user=request.user, case=case, actions=actions, today=today, page=context))
    return render(request, "cases/case_detail.html", context)


def _detail_context(case: Case, actions: set[str], today: date) -> dict:
    may_see_protected = policy.VIEW_PROTECTED in actions
    full = policy.VIEW in actions
    # Winding up needs the guardians (their consent decides), not the other adults the team registered.
    adults = [adult for adult in case.adults.all() if full or adult.is_guardian]
    for adult in adults:
        adult.details_hidden = (case.child.is_protected or adult.is_protected) and not may_see_protected
    return {
        "case": case,
        "child": case.child,
        "adults": adults,
        "full": full,
        "timeline": timeline(case, people=people_named_in(case), adults=adults),
        "child_details_hidden": case.has_protected_person and not may_see_protected,
        "can_edit": policy.EDIT in actions and case.is_open,
        "can_coordinate": policy.COORDINATE in actions and case.is_open,
        "can_close": policy.CLOSE in actions and case.is_open,
        "named": list(case.named.all()),
        "today": today,
    }


@login_required
def child_edit(request, case_id):
    """Correct the child's details. When anyone of the case has protected identity, the child's
    school and health centre are shown only to users named on the case, so only they may edit them."""
    case = case_for_form(request, case_id, action=policy.EDIT_CHILD)
    child = case.child
    initial = {name: getattr(child if name in IDENTITY_FIELDS else case, name) for name in CHILD_FIELDS}
    return case_form_flow(
        request,
        case,
        ChildForm(request.POST or None, initial=initial, user=request.user, identity_type=None),
        save=lambda data: child_update(case=case, actor=request.user, **data),
        success=_("The changes are saved."),
        title=_("Change the child's details"),
        submit=_("Save"),
    )


@login_required
def case_close_view(request, case_id):
    """Close the case with a reason (the initiator or the team's coordinator)."""
    case = case_for_form(request, case_id, action=policy.CLOSE)
    return case_form_flow(
        request,
        case,
        CaseCloseForm(request.POST or None),
        save=lambda data: case_close(case=case, actor=request.user, today=timezone.localdate(), **data),
        success=_("The case is closed."),
        title=_("Close the case"),
        intro=_(
            "A closed case is kept, not deleted; the team no longer works with it. Feedback and follow-ups still "
            "open must be recorded, or a follow-up that will not take place cancelled, first. Planned and ongoing "
            "interventions end with the case: they are marked cancelled."
        ),
    )


@login_required
def case_named_users(request, case_id):
    """Who is named on the case: they alone see a protected child's or adult's details."""
    case = case_for_form(request, case_id, action=policy.COORDINATE)
    named = {n.user_id: n for n in case.named.select_related("user", "added_by")}
    members = team_members(case)
    form = NameUserForm(
        request.POST or None,
        members=get_user_model().objects.filter(pk__in=members.values("user")).exclude(pk__in=named),
    )
    if saved := form_saved(
        request,
        form,
        save=lambda data: case_name_user(case=case, actor=request.user, user=data["user"]),
        success=_("The user is named on the case."),
        redirect_to=reverse("cases:named", args=[case.pk]),
    ):
        return saved
    return render(request, "cases/case_named.html", {"case": case, "named": named.values(), "form": form})


@login_required
@require_POST
def case_unname(request, case_id, user_id: int):
    case = policy.get_for_user(request, case_plain(), case_id, action=policy.COORDINATE, log_action=LogAction.UPDATE)
    named = case.named.filter(user_id=user_id).select_related("user").first()
    if named is not None:
        try:
            case_unname_user(case=case, actor=request.user, user=named.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The user is no longer named on the case."))
    return redirect("cases:named", case.pk)
