"""One reader for every CSV and XLSX file an import takes in.

A CSV file is UTF-8, with or without a byte order mark, separated by commas or semicolons
(whichever the first line holds more of). An XLSX workbook is read from its first sheet.
Either way the reader yields the header and, for each row that is not blank, its line number
in the file and its cells as text. A problem with the file as a whole raises `UnreadableFile`
with a message for the person who uploaded it; a problem with a row is the row's, and the
caller's report names it.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from groundswell.core.imports.report import Problem

NUL = "\x00"
XLSX_MAGIC = b"PK\x03\x04"

type Record = tuple[int, list[str]]


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, for the uploader."""


@dataclass(frozen=True)
class Table:
    """A file as read: its header cells, and `(line, cells)` of every row that is not blank.

    `records` is an iterator, read once: a large file is never held twice.
    """

    header: list[str]
    records: Iterator[Record]


def read_table(content: bytes, filename: str = "", *, max_bytes: int) -> Table:
    """The header and rows of a CSV or XLSX file, or UnreadableFile saying what is wrong."""
    if len(content) > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise UnreadableFile(_("The file is larger than %(limit)s MB.") % {"limit": limit})
    if content[:4] == XLSX_MAGIC or filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def all_records(table: Table, *, max_rows: int) -> list[Record]:
    """Every row of `table`, or UnreadableFile when it has more than `max_rows`."""
    records = list(table.records)
    if len(records) > max_rows:
        raise UnreadableFile(
            _(
                "The file has %(count)s rows; at most %(limit)s can be imported at once. "
                "Split it into smaller files."
            )
            % {"count": len(records), "limit": max_rows}
        )
    return records


def _read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _(
                "The file is not UTF-8 text (unreadable byte at position %(position)s). "
                "Save it as “CSV UTF-8” and upload it again."
            )
            % {"position": error.start}
        ) from None
    stripped = text.lstrip()
    if not stripped:
        raise UnreadableFile(_("The file is empty."))
    first_line = stripped.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise UnreadableFile(
            _("The header is not valid CSV: %(error)s.") % {"error": error}
        ) from None

    def rows() -> Iterator[Record]:
        line = reader.line_num
        try:
            for record in reader:
                start, line = line + 1, reader.line_num
                if "".join(record).strip():  # some cell holds more than spaces
                    yield start, record
        except csv.Error as error:
            message = _("The file is not valid CSV: %(error)s on line %(line)s.")
            raise UnreadableFile(message % {"error": error, "line": reader.line_num}) from None

    return Table(header, rows())


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("The file is not a readable Excel (.xlsx) workbook.")) from None
    values = workbook.worksheets[0].iter_rows(values_only=True)
    try:
        header = [_cell(value) for value in next(values)]
    except StopIteration:
        workbook.close()
        raise UnreadableFile(_("The file is empty.")) from None

    def rows() -> Iterator[Record]:
        for line, record in enumerate(values, start=2):
            cells = [_cell(value) for value in record]
            if any(cells):
                yield line, cells
        workbook.close()

    return Table(header, rows())


def _cell(value: Any) -> str:
    """An Excel cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None and value.time() == datetime.time():
            return value.date().isoformat()  # a date cell: Excel has no separate date type
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# The header -----------------------------------------------------------------------------------


def header_key(name: str) -> str:
    """A header cell as compared: without surrounding spaces, ignoring capitals."""
    return name.strip().lower()


def find_columns(header: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """The position of each field's column: the first of its aliases the header holds.

    Aliases are written as `header_key` returns them; when a header repeats a name, the
    first column of that name counts.
    """
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(header_key(name), index)
    found: dict[str, int] = {}
    for field, names in aliases.items():
        for alias in names:
            if alias in positions:
                found[field] = positions[alias]
                break
    return found


# A row ----------------------------------------------------------------------------------------


def extra_cells_problem(line: int, record: Sequence[str], width: int) -> Problem | None:
    """The problem of a row with filled cells beyond the header, if it has any."""
    if len(record) > width and any(cell.strip() for cell in record[width:]):
        message = _("This row has %(cells)s cells but the header names only %(columns)s.")
        return Problem(line, "", message % {"cells": len(record), "columns": width})
    return None


def row_values(
    line: int, record: Sequence[str], positions: Mapping[str, int]
) -> tuple[dict[str, str], list[Problem]]:
    """The row's cells by field, trimmed, and a problem for each cell holding a NUL.

    PostgreSQL can neither store nor look up a NUL, so such a cell is emptied and the row is
    bad: its problem names the cell's field.
    """
    count = len(record)
    values = {name: record[index].strip() for name, index in positions.items() if index < count}
    if len(values) < len(positions):
        values.update({name: "" for name in positions if name not in values})
    problems: list[Problem] = []
    with_nul = [name for name, value in values.items() if NUL in value]
    for name in with_nul:
        problems.append(Problem(line, name, _("This cell contains a NUL character.")))
        values[name] = ""
    return values, problems
