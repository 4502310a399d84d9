"""Helpers for pages that show many rows: what does not change from row to row is done once.

A template that writes `{% url %}` or `|date:"SHORT_DATETIME_FORMAT"` in a loop looks the URL
pattern or the locale's format up again and parses it again for every row; on a list page of
50 rows that costs more than the query. These helpers do that work once per page and leave
only the part that depends on the row.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import dateformat, formats

# Django's own pattern for the characters of a date format (`dateformat.re_formatchars`).
_FORMAT_CHARS = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")
_MARKER = 918273645546372819


def datetime_formatter(format_name: str) -> Callable[[datetime.datetime], str]:
    """`formats.date_format(value, format_name)` for many values, in the active language.

    The format is looked up and split once; each call then only runs the date-format
    methods of its characters. Pass values already in the time zone to show them in
    (`value.astimezone(timezone.get_current_timezone())`), as the `date` filter does.
    """
    pieces: list[tuple[bool, str]] = []
    for index, piece in enumerate(_FORMAT_CHARS.split(str(formats.get_format(format_name)))):
        if index % 2:
            pieces.append((True, piece))
        elif piece:
            pieces.append((False, _ESCAPED.sub(r"\1", piece)))

    def format_value(value: datetime.datetime) -> str:
        date_format = dateformat.DateFormat(value)
        return "".join(
            [str(getattr(date_format, piece)()) if code else piece for code, piece in pieces]
        )

    return format_value


def url_maker(viewname: str, key: str = "pk", **kwargs: Any) -> Callable[[int], str]:
    """`reverse(viewname, kwargs={key: value, ...})` for many integer values.

    The URL is reversed once with a marker in place of the value; each call puts the value
    where the marker was.
    """
    head, marker, tail = reverse(viewname, kwargs={**kwargs, key: _MARKER}).rpartition(str(_MARKER))
    if not marker:
        raise ValueError(f"{viewname} does not put its {key} into the URL as it is.")

    def make(value: int) -> str:
        return f"{head}{int(value)}{tail}"

    return make
