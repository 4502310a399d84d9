"""The list-page helpers give what Django's own `date_format` and `reverse` give."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import formats, translation

from groundswell.core.lib.listing import datetime_formatter, url_maker

SANTIAGO = zoneinfo.ZoneInfo("America/Santiago")
MOMENTS = [
    datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.UTC),  # midnight
    datetime.datetime(2026, 6, 30, 12, 0, tzinfo=datetime.UTC),  # noon
    datetime.datetime(2026, 11, 23, 9, 5, 7, 123456, tzinfo=datetime.UTC),
    datetime.datetime(2026, 4, 4, 23, 30, tzinfo=SANTIAGO),  # clocks go back at midnight
]


@pytest.mark.parametrize("language", ["en", "es", "fr", "de"])
@pytest.mark.parametrize(
    "format_name", ["SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "DATE_FORMAT", r"\W\e\e\k W, P"]
)
def test_datetime_formatter_matches_date_format(language, format_name):
    with translation.override(language):
        format_value = datetime_formatter(format_name)
        for moment in MOMENTS:
            assert format_value(moment) == formats.date_format(moment, format_name)


def test_url_maker_matches_reverse():
    make = url_maker("desk:interaction-detail")

    assert make(7) == reverse("desk:interaction-detail", kwargs={"pk": 7})
    assert make(1234567) == reverse("desk:interaction-detail", args=[1234567])
