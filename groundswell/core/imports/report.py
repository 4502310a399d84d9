"""One problem type and one report for every import: what is wrong, where, and how often.

A `Problem` names the line of the file (None for the file as a whole), the field at fault
("" for the whole row) and what is wrong. A `Report` gathers them, counts them by row and by
column, and writes them as the downloadable CSV (`line,column,message`) through the one safe
writer, so a hostile cell cannot run as a formula in whoever opens the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from groundswell.core.lib import tabular

REPORT_COLUMNS = ("line", "column", "message")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell, a whole row (`column` empty) or the file (`line` None)."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Report:
    """Every problem found in a file: with the file as a whole, and row by row.

    `columns` maps a field to the header it was read from, so the report names the column as
    the uploader wrote it.
    """

    problems: list[Problem] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    def add(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(line, column, message))

    def add_file_problem(self, message: str, column: str = "") -> None:
        self.file_problems.append(Problem(None, column, message))

    @property
    def is_clean(self) -> bool:
        return not self.file_problems and not self.problems

    @property
    def bad_lines(self) -> int:
        """How many rows have at least one problem."""
        return len({problem.line for problem in self.problems})

    def by_line(self) -> dict[int, list[Problem]]:
        """The problems of each bad row, in the order of the file."""
        lines: dict[int, list[Problem]] = {}
        for problem in sorted(self.problems, key=lambda problem: problem.line or 0):
            lines.setdefault(problem.line or 0, []).append(problem)
        return lines

    def count_by_column(self) -> Counter[str]:
        """How many problems each column has ("" for problems with a whole row)."""
        return Counter(self.label(problem.column) for problem in self.problems)

    def label(self, column: str) -> str:
        return self.columns.get(column, column)

    def all_problems(self) -> list[Problem]:
        """File problems first, then each row's, with columns named as in the file."""
        return [
            Problem(problem.line, self.label(problem.column), problem.message)
            for problem in (*self.file_problems, *self.problems)
        ]

    def table(self) -> list[tabular.Row]:
        """The report as table rows, header first."""
        rows: list[tabular.Row] = [REPORT_COLUMNS]
        rows.extend(
            [problem.line, problem.column, problem.message] for problem in self.all_problems()
        )
        return rows

    def csv(self) -> str:
        """Every problem, one per line (`line,column,message`), as safe CSV text."""
        return tabular.write_csv(self.table())

    def csv_response(self, *, filename: str) -> HttpResponse:
        return tabular.csv_response(self.table(), filename=filename)

    def as_dicts(self) -> list[dict[str, Any]]:
        """Every problem as `{line, column, message}`; file problems have no line."""
        return [
            {"line": problem.line, "column": problem.column, "message": problem.message}
            for problem in self.all_problems()
        ]

    def as_api_errors(self, *, limit: int = 100) -> dict[str, list[str]]:
        """The first problems keyed by "line N: column", as the API's ValidationError carries."""
        errors: dict[str, list[str]] = {}
        for problem in self.all_problems()[:limit]:
            where = f"line {problem.line}" if problem.line else "file"
            key = f"{where}: {problem.column}" if problem.column else where
            errors.setdefault(key, []).append(problem.message)
        if not errors:
            errors["file"] = [_("The file has no rows to import.")]
        return errors


def report_of(problems: Iterable[Problem], file_problems: Iterable[Problem] = ()) -> Report:
    return Report(problems=list(problems), file_problems=list(file_problems))
