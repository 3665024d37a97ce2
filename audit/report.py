"""The review report: the drawn entries and the reviewer's results, as PDF and as CSV.

Neither names a child: an entry shows the child's internal id, which the reviewer looks up on the
child's log page when a result needs it (docs/security.md, "Log review").
"""

import csv
import io

from django.apps import apps
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from access.models import AccessLogEntry
from audit.models import Review
from hlt.pdf import render_pdf
from hlt.spreadsheet import neutralise


def object_kind(object_type: str) -> str:
    """What an entry's object is, in words ("HLT case"), from its model label."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def entry_columns(entry: AccessLogEntry) -> list[str]:
    """An entry as the report's columns: when, who, their unit and team, what, the child, the outcome."""
    return [
        f"{timezone.localtime(entry.occurred_at):%Y-%m-%d %H:%M:%S}",
        entry.user.full_name if entry.user else "",
        entry.unit.name if entry.unit else "",
        entry.team.name if entry.team else "",
        entry.get_action_display(),
        object_kind(entry.object_type),
        str(entry.child_id or ""),
        entry.get_outcome_display(),
    ]


def _header() -> list[str]:
    return [
        "#",
        _("Why drawn"),
        _("Time"),
        _("User"),
        _("Unit"),
        _("Team"),
        _("Action"),
        _("Object"),
        _("Child (internal id)"),
        _("Outcome"),
        _("Result"),
        _("Comment"),
        _("Recorded by"),
        _("Recorded"),
    ]


def _rows(items) -> list[list[str]]:
    return [
        [
            str(item.position),
            item.get_reason_display(),
            *entry_columns(item.entry),
            item.get_result_display(),
            item.comment,
            item.decided_by.full_name if item.decided_by else "",
            f"{timezone.localtime(item.decided_at):%Y-%m-%d %H:%M}" if item.decided_at else "",
        ]
        for item in items
    ]


def _title(review: Review) -> str:
    return _("Log review %(scope)s %(month)s") % {"scope": review.target, "month": f"{review.month:%Y-%m}"}


def review_csv(review: Review, items) -> bytes:
    """Semicolons and a BOM, as Excel in Swedish expects; every text cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(_title(review))])
    writer.writerow([neutralise(_("Seed: %(seed)s") % {"seed": review.seed})])
    writer.writerow([neutralise(value) for value in _header()])
    writer.writerows([neutralise(value) for value in row] for row in _rows(items))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def review_pdf(review: Review, items) -> bytes:
    """The report as an A4 PDF: the review's scope, month and seed, then one row per drawn entry."""
    items = list(items)
    decided = sum(1 for item in items if item.result)
    with translation.override("sv"):  # like every document: Swedish, whatever the page's language
        header, rows, title = _header(), _rows(items), _title(review)
    return render_pdf(
        "audit/review_pdf.html",
        {
            "review": review,
            "title": title,
            "header": header,
            "rows": rows,
            "decided": decided,
            "total": len(items),
            "printed_at": timezone.localtime(),
        },
        title=title,
    )
