"""Collecting every figure a user can reach on the dashboards, as tests/dashboards/test_dashboard_attack.py's
attacker does: the HTML tables, the charts' bar texts and widths, the CSV and the Excel workbook of
every unit and period, each figure named (unit, period, measure, category).
"""

import csv
import datetime
import io
import re
from html import unescape

from openpyxl import load_workbook

from cases.models import ClosureReason
from dashboards.expressions import AGE_BANDS
from dashboards.periods import Period
from tests.dashboards.test_dashboard_views import page_tables, url

REASONS = [ClosureReason.NEEDS_MET, ClosureReason.MOVED]

LABELS = {"Cases started": "cases", "Cases closed": "closures"}


def _csv_tables(content: bytes) -> dict:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8").removeprefix("\ufeff")), delimiter=";"))
    tables, current = {}, None
    for row in rows[1:]:
        if not row:
            current = None
        elif current is None:
            current = tables.setdefault(row[0], [])
        else:
            current.append(row)
    return tables


def _xlsx_tables(content: bytes) -> dict:
    tables = {}
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        lines = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)][1:]
        tables[sheet.title.split(" ", 1)[1]] = lines
    return tables


def _charts(html: str) -> dict[str, list[tuple[str, str, str]]]:
    """Each chart's bars as (label, text, width), by its table's slug, and its summary."""
    charts = {}
    for slug, body in re.findall(r'<svg role="img" aria-labelledby="([\w-]+)-svg-title".*?>(.*?)</svg>', html, re.S):
        bars = re.findall(
            r'class="hlt-chart-label">([^<]*)</text>\s*(?:<rect[^>]*width="(\d+)"[^>]*></rect>)?\s*'
            r'<text x="\d+" dx="246" y="15" class="hlt-chart-value">([^<]*)</text>',
            body,
        )
        charts[slug] = [(unescape(label), unescape(text), width or "0") for label, width, text in bars]
    return charts


def _check_chart(bars: list[tuple[str, str, str]], values: list[str]) -> None:
    """A chart's bars say what its table says, and their lengths follow the published figures."""
    assert [text for _label, text, _width in bars] == values
    numbers = [int(value) for value in values if value.isdigit()]
    widest = max([*numbers, 1])
    expected = [str(round(int(value) / widest * 330)) if value.isdigit() else "0" for value in values]
    assert [width for _label, _text, width in bars] == expected


def _read(tables: dict, unit_name: str, period: Period, names: dict) -> dict:
    """The figures of one page, by (unit, period, measure, category)."""
    figures = {}

    def put(figure, text):
        assert figures.setdefault(figure, text) == text, f"{figure} shown as {figures[figure]} and {text} on one page"

    overview = {row[0]: row[1] for row in tables["oversikt"][1:]}
    for label, measure in LABELS.items():
        put((unit_name, period, measure, None), overview[label])
    if "jamforelse" in tables:
        header, *rows = tables["jamforelse"]
        for row in rows:
            child = "total" if row[0] == "Total" else names[row[0].split(" (")[0]]
            for label, measure in LABELS.items():
                put((unit_name if child == "total" else child, period, measure, None), row[header.index(label)])
    header = tables["manader"][0]
    for row in tables["manader"][1:]:
        if row[0] == "Total":
            month = period
        else:
            day = datetime.datetime.strptime(row[0], "%B %Y").date()  # noqa: DTZ007 - a calendar month
            month = Period(day, day)
        put((unit_name, month, "cases", None), row[header.index("Cases started")])
        put((unit_name, month, "closures", None), row[header.index("Cases closed")])
    for slug, measure, categories in (
        ("age", "cases", {b: b for b, _l, _h in AGE_BANDS}),
        ("closure", "closures", {str(ClosureReason(r).label): r for r in REASONS}),
    ):
        for row in tables[slug][1:]:
            if row[0] == "Total":
                put((unit_name, period, measure, None), row[1])
            elif row[0] in categories:
                put((unit_name, period, measure, categories[row[0]]), row[1])
    return figures


def collect(client, user, units: dict, periods: list[Period], *, every_format: bool) -> tuple[dict, dict]:
    """Every figure `user` can reach, from the HTML (and with `every_format` the CSV and Excel, each
    checked to hold the page's tables) of every unit and period, with the pages' mean scores. The
    other users' pages are the same URLs as the regional leader's, checked to give the same figures."""
    names = {unit.name: name for name, unit in units.items()}
    levels = {"R": "region", "M1": "kommun", "M2": "kommun", "X": "omrade", "Y": "omrade"}
    client.force_login(user)
    figures, means = {}, {}
    for name, unit in units.items():
        level = levels.get(name, "team")
        if client.get(url(level, unit)).status_code != 200:
            continue
        for period in periods:
            page = client.get(url(level, unit, query=period.query))
            assert page.status_code == 200, (name, period)
            parsed = page_tables(page)
            html = page.content.decode()
            by_title = {parsed.titles[slug]: rows for slug, rows in parsed.tables.items()}
            if every_format:
                assert _csv_tables(client.get(url(level, unit, "csv", period.query)).content) == by_title
                workbook = _xlsx_tables(client.get(url(level, unit, "xlsx", period.query)).content)
                assert list(workbook.values()) == list(by_title.values()), "the workbook holds the page's tables"
            for slug, bars in _charts(html).items():
                if slug in ("manader", "age", "closure", "sector", "intervention", "experience"):
                    _check_chart(bars, [row[1] for row in parsed.tables[slug][1:] if row[0] != "Total"])
            for figure, text in _read(parsed.tables, name, period, names).items():
                assert figures.setdefault(figure, text) == text, f"{figure}: {figures[figure]} and {text}"
            overview = {row[0]: row[1] for row in parsed.tables["oversikt"][1:]}
            means[(name, period)] = overview["The families' experience, mean 1-5"]
    return figures, means
