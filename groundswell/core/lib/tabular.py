"""The one writer for every CSV and XLSX file Groundswell hands out.

Spreadsheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or a
carriage return) as a formula, so text from people (comments, names, subjects) could run in
whoever opens an export. Following the OWASP rule, such text gets a leading single quote; every
other value is written as what it is:

- text as text, neutralised when it would start a formula;
- numbers (int, float, Decimal) as numbers: unquoted digits in CSV, numeric cells in XLSX, so
  ``-3`` stays the number minus three and sorts and sums as one;
- dates and datetimes as ISO 8601 text in CSV, as real date cells in XLSX;
- ``None`` and empty text as an empty cell; booleans as ``true`` / ``false``.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

type Cell = str | int | float | Decimal | datetime.date | bool | None
type Row = Sequence[Cell]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(text: str) -> str:
    """`text`, with a leading quote when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value: Cell) -> str | int | float | Decimal | datetime.date:
    """A value as it may go into a spreadsheet: numbers and dates kept, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    return safe_text(str(value))


def safe_row(row: Iterable[Cell]) -> list[str | int | float | Decimal | datetime.date]:
    return [safe_cell(value) for value in row]


def _csv_value(value: Cell) -> str | int | float | Decimal:
    cell = safe_cell(value)
    if isinstance(cell, datetime.date):  # datetime is a date too
        return cell.isoformat()
    return cell


def write_csv(rows: Iterable[Row]) -> str:
    """The rows as CSV text (RFC 4180 line ends), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([_csv_value(value) for value in row] for row in rows)
    return buffer.getvalue()


def write_xlsx(rows: Iterable[Row], *, title: str = "Sheet1") -> bytes:
    """The rows as an XLSX workbook of one sheet, every cell made safe."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    for row in rows:
        cells: list[Any] = []
        for value in row:
            cell = safe_cell(value)
            if isinstance(cell, datetime.datetime) and cell.tzinfo is not None:
                # XLSX has no time zones: write the moment in UTC.
                cell = cell.astimezone(datetime.UTC).replace(tzinfo=None)
            cells.append(None if cell == "" else cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_response(rows: Iterable[Row], *, filename: str) -> HttpResponse:
    """A download of the rows as CSV."""
    response = HttpResponse(write_csv(rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows: Iterable[Row], *, filename: str, title: str = "Sheet1") -> HttpResponse:
    """A download of the rows as an XLSX workbook."""
    response = HttpResponse(write_xlsx(rows, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
