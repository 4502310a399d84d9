"""One way to show a date and a moment on every page and in every email, in the reader's
language: `{{ value|day }}` ("Dec. 4, 2026", "4. Dezember 2026"), `{{ value|moment }}`
(the same with the time, in the configured time zone) and `{{ value|month }}` ("December
2026", "Dezember 2026"). Machine-readable values keep
`|date:"c"` inside `<time datetime>`; a test keeps other formats out of the templates."""

import datetime

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter(expects_localtime=True)
def day(value: datetime.date | None) -> str:
    """The date alone, in the active language's date format; empty for no date."""
    if value is None or value == "":
        return ""
    return date_format(value, "DATE_FORMAT")


@register.filter(expects_localtime=True)
def moment(value: datetime.datetime | None) -> str:
    """The date and time, in the active language's format; empty for no moment."""
    if value is None or value == "":
        return ""
    return date_format(value, "DATETIME_FORMAT")


@register.filter(expects_localtime=True)
def month(value: datetime.date | None) -> str:
    """The month and year, in the active language's format; empty for no date."""
    if value is None or value == "":
        return ""
    return date_format(value, "YEAR_MONTH_FORMAT")
