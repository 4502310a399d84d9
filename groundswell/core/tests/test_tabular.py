"""The one export writer: hostile text neutralised, empties empty, numbers and dates kept.

Each file is read back the way a spreadsheet user's tools would: CSV with the csv module,
XLSX with openpyxl.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from groundswell.core.lib import tabular
from groundswell.core.tests.hostile import HOSTILE

ROW = ["plain", "", None, 7, -3, 2.5, Decimal("-4.50"), datetime.date(2026, 10, 1)]


def read_csv(text):
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_neutralises_every_formula_start(text):
    (cell,) = read_csv(tabular.write_csv([[text]]))[0]

    assert cell == "'" + text


def test_csv_keeps_empties_empty_and_numbers_unquoted():
    written = tabular.write_csv([ROW])

    assert written == "plain,,,7,-3,2.5,-4.50,2026-10-01\r\n"
    assert read_csv(written) == [["plain", "", "", "7", "-3", "2.5", "-4.50", "2026-10-01"]]


def test_csv_writes_moments_as_iso_text_and_booleans_as_words():
    moment = datetime.datetime(2026, 10, 1, 9, 30, tzinfo=datetime.UTC)

    assert read_csv(tabular.write_csv([[moment, True, False, float("nan")]])) == [
        ["2026-10-01T09:30:00+00:00", "true", "false", ""]
    ]


def test_text_that_only_looks_like_a_number_is_still_neutralised():
    """A negative number is a number; the text "-2" comes from a person and stays text."""
    assert read_csv(tabular.write_csv([[-2, "-2"]])) == [["-2", "'-2"]]


def test_neutralising_twice_changes_nothing():
    once = tabular.safe_row(HOSTILE)

    assert tabular.safe_row(once) == once


def read_xlsx(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sheet


def test_xlsx_neutralises_formulas_and_keeps_numbers_and_dates_typed():
    content = tabular.write_xlsx([HOSTILE, ROW], title="Export")

    (hostile, plain), sheet = read_xlsx(content)

    assert sheet.title == "Export"
    # XML keeps no carriage return: "\r" reads back as "\n", still behind the quote.
    assert hostile[:6] == ["'" + text.replace("\r", "\n") for text in HOSTILE]
    assert all(cell.data_type == "s" for cell in sheet[1][:6])
    assert plain[:3] == ["plain", None, None]
    assert plain[3:7] == [7, -3, 2.5, -4.5]
    assert [cell.data_type for cell in sheet[2]][3:7] == ["n"] * 4
    assert plain[7].date() == datetime.date(2026, 10, 1)
    assert sheet.cell(row=2, column=8).is_date


def test_xlsx_writes_aware_moments_in_utc():
    moment = datetime.datetime(
        2026, 10, 1, 11, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )

    (row,), _sheet = read_xlsx(tabular.write_xlsx([[moment]]))

    assert row == [datetime.datetime(2026, 10, 1, 9, 30, tzinfo=datetime.UTC).replace(tzinfo=None)]


def test_responses_are_downloads():
    as_csv = tabular.csv_response([["a"]], filename="a.csv")
    as_xlsx = tabular.xlsx_response([["a"]], filename="a.xlsx")

    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv["Content-Disposition"] == 'attachment; filename="a.csv"'
    assert as_xlsx["Content-Type"] == tabular.XLSX_TYPE
    assert read_xlsx(as_xlsx.content)[0] == [["a"]]
