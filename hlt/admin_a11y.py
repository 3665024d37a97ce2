"""Names for the form controls Django admin renders without a label (WCAG 1.3.1 and 4.1.2).

A tabular inline and a changelist with editable columns put each field in a table cell under a
column header, which gives the control no accessible name; the control is named after its field
instead. The autocomplete fields and the two-box selector are built by admin's scripts, and named
by static/js/admin.js.
"""

from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.utils.text import capfirst


def name_controls(form) -> None:
    """Give every visible control of `form` an aria-label after its field, unless it has one."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget = widget.widget
        if not widget.is_hidden and field.label:
            widget.attrs.setdefault("aria-label", capfirst(str(field.label)))


class NamedControlsFormSetMixin:
    def add_fields(self, form, index):
        super().add_fields(form, index)  # the "Delete" checkbox is added here
        name_controls(form)


def with_named_controls(formset_class):
    return type(formset_class.__name__, (NamedControlsFormSetMixin, formset_class), {})


class NamedControlsMixin:
    """Given to every registered ModelAdmin by `HltAdminSite.register`: its inlines' and its
    changelist's rows get named controls."""

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            yield with_named_controls(formset), inline

    def get_changelist_formset(self, request, **kwargs):
        return with_named_controls(super().get_changelist_formset(request, **kwargs))
