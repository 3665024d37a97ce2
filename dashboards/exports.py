"""The dashboard's tables as CSV and Excel: the same suppressed text the page shows.

A unit name is typed by an administrator and could begin like a spreadsheet formula; every text
cell goes through `hlt.spreadsheet.neutralise` (OWASP "CSV injection").
"""

import csv
import io
import re

from openpyxl import Workbook

from dashboards.tables import Table
from hlt.spreadsheet import neutralise

WHOLE_NUMBER = re.compile(r"^\d+$")


def _lines(table: Table) -> list[list[str]]:
    return [table.header, *([row.label, *row.values] for row in table.rows)]


def tables_csv(title: str, tables: list[Table]) -> bytes:
    """One section per table, separated by a blank line; semicolons and a BOM, as Excel in Swedish expects."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(title)])
    for table in tables:
        writer.writerow([])
        writer.writerow([neutralise(table.title)])
        writer.writerows([neutralise(value) for value in line] for line in _lines(table))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def tables_xlsx(title: str, tables: list[Table]) -> bytes:
    """One sheet per table; whole numbers as numbers, everything else as neutralised text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, table in enumerate(tables, start=1):
        # Sheet names: at most 31 characters and none of []:*?/\ .
        sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", "", f"{index} {table.title}")[:31])
        sheet.append([neutralise(title)])
        for line in _lines(table):
            sheet.append([int(value) if WHOLE_NUMBER.match(value) else neutralise(value) for value in line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
