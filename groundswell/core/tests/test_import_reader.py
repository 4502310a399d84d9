"""The one reader of every import (core/imports/reader.py) and the one report.

Issue 11 item 4: both importers read CSV and XLSX the same way, and report the same way.
"""

import datetime
import io

import pytest
from openpyxl import Workbook

from groundswell.core.imports import reader
from groundswell.core.imports.report import Problem, Report

KB = 1024


def read(content, filename="", max_bytes=KB * KB):
    table = reader.read_table(content, filename, max_bytes=max_bytes)
    return table.header, list(table.records)


def test_a_csv_with_a_byte_order_mark_reads_its_first_header_cleanly():
    header, rows = read("\ufeffname,email\r\nAna,ana@example.test\r\n".encode())

    assert header == ["name", "email"]
    assert rows == [(2, ["Ana", "ana@example.test"])]


def test_semicolons_separate_columns_when_the_first_line_has_more_of_them():
    header, rows = read(b"name;note\nAna;one, two\n")

    assert header == ["name", "note"]
    assert rows == [(2, ["Ana", "one, two"])]


def test_blank_rows_are_skipped_and_lines_count_as_in_the_file():
    _header, rows = read(b'name,note\n\n , \nBo,"two\nlines"\nCy,x\n')

    assert rows == [(4, ["Bo", "two\nlines"]), (6, ["Cy", "x"])]


def xlsx(*rows):
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_workbook_reads_as_text_like_its_csv_export():
    content = xlsx(
        ["name", "hired", "opened", "count", "champion"],
        ["Ana", datetime.datetime(2025, 1, 31), datetime.datetime(2025, 1, 31, 14, 5), 3.0, True],  # noqa: DTZ001 (Excel has no zones)
        [None, None, None, None, None],
        ["Bo", "2025-02-01", None, 2.5, False],
    )

    header, rows = read(content, "people.xlsx")

    assert header == ["name", "hired", "opened", "count", "champion"]
    assert rows == [
        (2, ["Ana", "2025-01-31", "2025-01-31T14:05:00", "3", "yes"]),
        (4, ["Bo", "2025-02-01", "", "2.5", "no"]),
    ]


def test_an_xlsx_is_recognised_by_its_content_whatever_its_name():
    header, _rows = read(xlsx(["name"], ["Ana"]), "export.csv")

    assert header == ["name"]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"x" * (KB + 1), "", "The file is larger than"),
        (b"", "", "The file is empty."),
        (b"  \r\n", "", "The file is empty."),
        ("name\r\nJosé\r\n".encode("latin-1"), "", "is not UTF-8 text"),
        (b"PK\x03\x04broken", "x.xlsx", "not a readable Excel"),
    ],
)
def test_an_unreadable_file_is_refused_naming_the_problem(content, filename, message):
    with pytest.raises(reader.UnreadableFile, match=message):
        read(content, filename, max_bytes=KB)


def test_broken_quoting_is_refused_with_its_line():
    table = reader.read_table(b'name\nAna\n"Bo\n', max_bytes=KB)

    with pytest.raises(reader.UnreadableFile, match=r"not valid CSV.*line 3"):
        list(table.records)


def test_more_rows_than_allowed_are_refused_whole():
    table = reader.read_table(b"name\nA\nB\nC\n", max_bytes=KB)

    with pytest.raises(reader.UnreadableFile, match="The file has 3 rows; at most 2"):
        reader.all_records(table, max_rows=2)


def test_columns_are_found_by_any_alias_ignoring_capitals_first_of_a_name_winning():
    header = [" Ticket ID ", "Subject", "subject", "Group"]

    found = reader.find_columns(
        header, {"external_id": ("id", "ticket id"), "subject": ("subject",), "team": ("team",)}
    )

    assert found == {"external_id": 0, "subject": 1}


def test_a_nul_cell_is_emptied_and_reported_naming_its_column():
    values, problems = reader.row_values(
        7, ["Ana\x00", " a@example.test ", "x"], {"name": 0, "email": 1, "note": 3}
    )

    assert values == {"name": "", "email": "a@example.test", "note": ""}
    assert problems == [Problem(7, "name", "This cell contains a NUL character.")]


def test_cells_beyond_the_header_are_a_problem_unless_blank():
    assert reader.extra_cells_problem(3, ["a", "b", " "], 2) is None
    problem = reader.extra_cells_problem(3, ["a", "b", "c"], 2)

    assert problem == Problem(3, "", "This row has 3 cells but the header names only 2.")


def test_the_report_counts_by_row_and_column_and_downloads_through_the_safe_writer():
    report = Report(columns={"subject": "Subject"})
    report.add_file_problem("=HYPERLINK()")
    report.add(5, "subject", "A subject is required.")
    report.add(3, "subject", "-too long")
    report.add(3, "", "Too many cells.")

    assert report.bad_lines == 2
    assert list(report.by_line()) == [3, 5]
    assert report.count_by_column() == {"Subject": 2, "": 1}
    assert report.csv().splitlines() == [
        "line,column,message",
        ",,'=HYPERLINK()",
        "5,Subject,A subject is required.",
        "3,Subject,'-too long",
        "3,,Too many cells.",
    ]
    assert report.as_api_errors(limit=2) == {
        "file": ["=HYPERLINK()"],
        "line 5: Subject": ["A subject is required."],
    }
    response = report.csv_response(filename="problems.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
