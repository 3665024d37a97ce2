"""The Django admin site: administrators run the structure and never see a child or a family.

Rows holding case data (`hlt.personal_data`) are not registered, and no registered admin may show,
filter or search them: registering one fails at start-up. Where Django lists related rows itself,
the confirmation of a deletion (one object or "delete selected"), including the rows that block
it, case data appears as a count per kind ("Children: 29 records"), never by name. Every
ModelAdmin, allauth's and Django's own included, gets this behaviour when it is registered, and
names for the controls Django renders without a label (hlt/admin_a11y.py). What an administrator
must act on in a case-data app is a report of its own (`register_report`): a page for holders of a
permission, listed with its count on the index, that shows figures, not the rows.
"""

from collections import Counter
from collections.abc import Callable
from functools import wraps
from typing import NamedTuple

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, quote
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db import router
from django.db.models.base import ModelBase
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import ngettext

from hlt.admin_a11y import NamedControlsMixin
from hlt.personal_data import holds_case_data


def case_data_count(model, count: int) -> str:
    """One line of a deletion list standing for `count` rows of case data."""
    return ngettext("%(kind)s: %(count)s record", "%(kind)s: %(count)s records", count) % {
        "kind": capfirst(model._meta.verbose_name),
        "count": count,
    }


def deleted_objects_without_case_data(objs, request, admin_site):
    """Django's `get_deleted_objects`, with every row holding case data, and every row deleted with
    one, replaced by a count per model.

    Returns (nested list to delete, {model name: count}, models the user may not delete, blocking
    rows), as Django does.
    """
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)
    perms_needed = set()

    def check_permission(obj):
        model_admin = admin_site._registry.get(type(obj))
        if model_admin and not model_admin.has_delete_permission(request, obj):
            perms_needed.add(obj._meta.verbose_name)

    def describe(obj):
        # As Django shows it: the kind, and the name linked to its admin page when there is one.
        opts = obj._meta
        if admin_site.is_registered(type(obj)):
            try:
                url = reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
            except NoReverseMatch:
                pass
            else:
                return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)
        return f"{capfirst(opts.verbose_name)}: {obj}"

    def count_all(nested, counts):
        for entry in nested:
            if isinstance(entry, list):
                count_all(entry, counts)
            else:
                check_permission(entry)
                counts[type(entry)] += 1

    def summarise(nested):
        # NestedObjects gives [obj, [its dependants...], obj, ...]; a dependant of a row holding case
        # data is counted with it, whatever its kind.
        shown, counts, hidden = [], Counter(), False
        for entry in nested:
            if isinstance(entry, list):
                if hidden:
                    count_all(entry, counts)
                else:
                    shown.append(summarise(entry))
            elif holds_case_data(type(entry)):
                check_permission(entry)
                counts[type(entry)] += 1
                hidden = True
            else:
                check_permission(entry)
                shown.append(describe(entry))
                hidden = False
        return shown + _count_lines(counts)

    to_delete = summarise(collector.nested())
    blocking, blocking_counts = [], Counter()
    for obj in collector.protected:
        check_permission(obj)
        if holds_case_data(type(obj)):
            blocking_counts[type(obj)] += 1
        else:
            blocking.append(describe(obj))
    protected = sorted(blocking, key=str) + _count_lines(blocking_counts)
    model_count = {model._meta.verbose_name_plural: len(rows) for model, rows in collector.model_objs.items()}
    return to_delete, model_count, perms_needed, protected


def _count_lines(counts: Counter) -> list[str]:
    return sorted(case_data_count(model, count) for model, count in counts.items())


class CaseDataAsCountsMixin:
    """Given to every registered ModelAdmin by `HltAdminSite.register`."""

    def get_deleted_objects(self, objs, request):
        return deleted_objects_without_case_data(objs, request, self.admin_site)


def _lookups(admin_class):
    """The field paths an admin lists, filters, sorts or searches by (those it names statically)."""
    for name in ("list_display", "list_filter", "search_fields", "ordering", "autocomplete_fields", "raw_id_fields"):
        for entry in getattr(admin_class, name, None) or ():
            if isinstance(entry, (list, tuple)):
                entry = entry[0]  # (field, filter class) in list_filter
            if isinstance(entry, str):
                yield entry.lstrip("^=@-")
    if getattr(admin_class, "date_hierarchy", None):
        yield admin_class.date_hierarchy


def _reaches_case_data(model, lookup: str) -> bool:
    for part in lookup.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a lookup such as "icontains", or a method
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
        if holds_case_data(model):
            return True
    return False


def case_data_exposures(model, admin_class) -> list[str]:
    """Where an admin for `model` would show, filter or search rows holding case data."""
    found = []
    if holds_case_data(model):
        found.append(model._meta.label)
    for field in model._meta.get_fields():
        # A form field, a read-only value or a list column of a relation shows the related row's name.
        forward = field.is_relation and not field.auto_created and (field.concrete or field.many_to_many)
        if forward and field.related_model and holds_case_data(field.related_model):
            found.append(f"{model._meta.label}.{field.name}")
    found += [f"{model._meta.label}: {lookup}" for lookup in _lookups(admin_class) if _reaches_case_data(model, lookup)]
    for inline in getattr(admin_class, "inlines", ()):
        found += case_data_exposures(inline.model, inline)
    return found


# What every ModelAdmin gets, allauth's and Django's own included.
_SITE_WIDE = (CaseDataAsCountsMixin, NamedControlsMixin)


class AdminReport(NamedTuple):
    route: str
    view: Callable
    name: str
    label: str
    permission: str
    count: Callable[[], int]


class HltAdminSite(admin.AdminSite):
    """Django's admin site, refusing admins that would show case data, with pages of their own for
    figures about such rows (`register_report`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._reports: list[AdminReport] = []

    def register_report(self, *, route: str, view, name: str, label: str, permission: str, count) -> None:
        """Add a page at `route` for users with `permission`, listed on the index with `count()`:
        for what an administrator must act on in an app kept out of admin, shown without its rows."""
        self._reports.append(AdminReport(route, view, name, label, permission, count))

    def get_urls(self):
        reports = [path(report.route, self.admin_view(_guarded(report)), name=report.name) for report in self._reports]
        return reports + super().get_urls()

    def index(self, request, extra_context=None):
        reports = [
            {"label": report.label, "url": reverse(f"{self.name}:{report.name}"), "count": report.count()}
            for report in self._reports
            if request.user.has_perm(report.permission)
        ]
        return super().index(request, {"reports": reports, **(extra_context or {})})

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else list(model_or_iterable)
        for model in models:
            if exposures := case_data_exposures(model, admin_class):
                raise ImproperlyConfigured(
                    f"{admin_class.__name__} would show case data in Django admin: {', '.join(exposures)}."
                )
        if missing := tuple(mixin for mixin in _SITE_WIDE if not issubclass(admin_class, mixin)):
            admin_class = type(
                admin_class.__name__,
                (*missing, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(models, admin_class, **options)


def _guarded(report: AdminReport):
    @wraps(report.view)
    def view(request, *args, **kwargs):
        if not request.user.has_perm(report.permission):
            raise PermissionDenied
        return report.view(request, *args, **kwargs)

    return view
