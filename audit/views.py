"""The log reviewer's pages. Each refuses anyone without a reviewer scope (logged as denied), shows
only the log about the children of the reviewer's scope, and is itself in the access log: a page
that shows entries about children logs one entry per child it shows (docs/security.md, "Log review")."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from access.log import log_access, log_child_search, log_children_listed
from access.models import LogAction, Outcome
from audit import report
from audit.forms import ChildSearchForm, ItemResultForm, PeriodForm, ReviewNewForm, UserPickForm
from audit.models import LogReviewerScope, Review
from audit.selectors import (
    child_by_number,
    child_in_scope,
    child_log,
    review_items,
    reviewer_scopes,
    reviews_of,
    user_log,
    users_in_scope,
)
from audit.services import review_create, review_item_record

PAGE_SIZE = 50
CHILD_KEY = "audit.child"  # the child searched for, by internal id: the number stays out of URLs


def _scopes(request, object_type: str = "audit.review") -> list[LogReviewerScope]:
    scopes = reviewer_scopes(request.user)
    if not scopes:
        log_access(request, action=LogAction.VIEW, outcome=Outcome.DENIED, object_type=object_type)
        raise PermissionDenied
    return scopes


def _shown(request, entries, *, action: LogAction, object_type: str, object_id="") -> None:
    """Log the page: one entry per child its entries name, or one for the page when they name none."""
    children = {entry.child_id for entry in entries if entry.child_id}
    if children:
        log_children_listed(request, children, action=action)
    else:
        log_access(request, action=action, outcome=Outcome.ALLOWED, object_type=object_type, object_id=object_id)


def _page(request, entries):
    """A page of entries, read now: the page's own log entry, written next, is not on it."""
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("sida"))
    page.object_list = list(page.object_list)
    return page


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("sida", None)
    return query.urlencode()


@login_required
def home(request):
    """The reviewer's start: the scopes, the reviews drawn and the two ways into the log."""
    scopes = _scopes(request)
    reviews = list(reviews_of(scopes))
    log_access(request, action=LogAction.LIST, outcome=Outcome.ALLOWED, object_type="audit.review")
    return render(request, "audit/home.html", {"scopes": scopes, "reviews": reviews})


@login_required
def child_search(request):
    """A child's log: the identity number is posted, the child kept in the session, and the log
    shown by period and page; a number outside the scope answers as an unknown one."""
    scopes = _scopes(request, "cases.child")
    search = ChildSearchForm(request.POST or None)
    if request.method == "POST":
        if "clear" in request.POST:
            request.session.pop(CHILD_KEY, None)
            return redirect("audit:child_log")
        if search.is_valid():
            child = child_by_number(scopes, search.cleaned_data["number"])
            log_child_search(request, child)
            if child is not None:
                request.session[CHILD_KEY] = child.pk
                return redirect("audit:child_log")
            search.add_error("number", _("No child in your scope has that identity number."))
    return _child_page(request, scopes, search)


def _child_page(request, scopes, search):
    child = child_in_scope(scopes, request.session.get(CHILD_KEY))
    form = PeriodForm(request.GET or None)
    context = {"search": search, "form": form, "child": child, "query": _query(request)}
    if child is not None:
        context["page"] = _page(request, child_log(scopes, child, form.period))
        log_access(request, action=LogAction.VIEW, outcome=Outcome.ALLOWED, obj=child, child_id=child.pk)
    else:
        log_access(request, action=LogAction.VIEW, outcome=Outcome.ALLOWED, object_type="cases.child")
    return render(request, "audit/child_log.html", context)


@login_required
def user_log_view(request):
    """Everything one user read about the children of the scope."""
    scopes = _scopes(request, "accounts.user")
    form = UserPickForm(request.GET or None, users=users_in_scope(scopes))
    context = {"form": form, "query": _query(request)}
    if form.is_valid():
        person = form.cleaned_data["anvandare"]
        page = _page(request, user_log(scopes, person, form.period))
        context.update(person=person, page=page)
        _shown(request, page.object_list, action=LogAction.VIEW, object_type="accounts.user", object_id=person.pk)
    else:
        log_access(request, action=LogAction.VIEW, outcome=Outcome.ALLOWED, object_type="accounts.user")
    return render(request, "audit/user_log.html", context)


@login_required
def review_new(request):
    scopes = _scopes(request)
    ids = [scope.pk for scope in scopes]
    scope_choices = LogReviewerScope.objects.filter(pk__in=ids).select_related("region", "municipality")
    form = ReviewNewForm(request.POST or None, scopes=scope_choices)
    if request.method == "POST" and form.is_valid():
        review = review_create(scope=form.cleaned_data["scope"], month=form.cleaned_data["month"], by=request.user)
        log_access(request, action=LogAction.CREATE, outcome=Outcome.ALLOWED, obj=review)
        return redirect("audit:review", review_id=review.pk)
    log_access(request, action=LogAction.VIEW, outcome=Outcome.ALLOWED, object_type="audit.review")
    title = _("Draw a month's log review")
    return render(request, "form_page.html", {"form": form, "title": title, "submit": _("Draw the review")})


def _review(request, review_id: int, action: LogAction) -> Review:
    """The review, when it belongs to the reviewer's scopes; 404 (logged as denied) otherwise."""
    review = reviews_of(_scopes(request)).select_related("created_by").filter(pk=review_id).first()
    if review is None:
        log_access(request, action=action, outcome=Outcome.DENIED, object_type="audit.review", object_id=review_id)
        raise Http404
    return review


@login_required
def review_detail(request, review_id):
    review = _review(request, review_id, LogAction.VIEW)
    items = list(review_items(review))
    _shown(request, [item.entry for item in items], action=LogAction.VIEW, object_type="audit.review")
    decided = sum(1 for item in items if item.result)
    return render(request, "audit/review.html", {"review": review, "items": items, "decided": decided})


@login_required
def item_result(request, review_id, item_id):
    """Record the result of one drawn entry; every result recorded is in the access log."""
    review = _review(request, review_id, LogAction.UPDATE)
    item = review_items(review).filter(pk=item_id).first()
    if item is None:
        log_access(request, action=LogAction.UPDATE, outcome=Outcome.DENIED, object_type="audit.reviewitem")
        raise Http404
    initial = {"result": item.result, "comment": item.comment}
    form = ItemResultForm(request.POST or None, initial=initial)
    saved = request.method == "POST" and form.is_valid()
    if saved:
        review_item_record(item=item, by=request.user, **form.cleaned_data)
    action = LogAction.UPDATE if saved else LogAction.VIEW
    log_access(request, action=action, outcome=Outcome.ALLOWED, obj=item, child_id=item.entry.child_id)
    if saved:
        return redirect(reverse("audit:review", kwargs={"review_id": review.pk}) + f"#post-{item.position}")
    context = {"review": review, "item": item, "form": form, "columns": report.entry_columns(item.entry)}
    return render(request, "audit/item_result.html", context)


REPORTS = {
    "pdf": ("application/pdf", report.review_pdf, LogAction.PRINT),
    "csv": ("text/csv; charset=utf-8", report.review_csv, LogAction.EXPORT),
}


@login_required
def review_report(request, review_id, fmt):
    if fmt not in REPORTS:
        raise Http404
    content_type, build, action = REPORTS[fmt]
    review = _review(request, review_id, action)
    items = list(review_items(review))
    _shown(request, [item.entry for item in items], action=action, object_type="audit.review")
    response = HttpResponse(build(review, items), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="loggkontroll-{review.pk}-{review.month:%Y-%m}.{fmt}"'
    return response
