"""Dates read the same way everywhere: one filter for a day, one for a moment, in the reader's
language, and no template formats dates its own way."""

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

MOMENT = datetime.datetime(2026, 12, 4, 15, 5, tzinfo=datetime.UTC)


def _render(source: str, **context: object) -> str:
    return Template("{% load moments %}" + source).render(Context(context))


def test_a_day_and_a_moment_follow_the_language() -> None:
    with translation.override("en"):
        assert _render("{{ d|day }}", d=datetime.date(2026, 12, 4)) == "Dec. 4, 2026"
        assert _render("{{ m|moment }}", m=MOMENT) == "Dec. 4, 2026, 3:05 p.m."
    with translation.override("de"):
        assert _render("{{ d|day }}", d=datetime.date(2026, 12, 4)) == "4. Dezember 2026"
        assert _render("{{ m|moment }}", m=MOMENT) == "4. Dezember 2026 15:05"
    assert _render("{{ d|day }}{{ m|moment }}", d=None, m=None) == ""


def test_a_month_follows_the_language() -> None:
    with translation.override("en"):
        assert _render("{{ d|month }}", d=datetime.date(2026, 12, 4)) == "December 2026"
    with translation.override("de"):
        assert _render("{{ d|month }}", d=datetime.date(2026, 12, 4)) == "Dezember 2026"
    assert _render("{{ d|month }}", d=None) == ""


def test_a_moment_is_shown_in_the_configured_time_zone() -> None:
    with timezone.override("Europe/Berlin"), translation.override("en"):
        assert _render("{{ m|moment }}", m=MOMENT) == "Dec. 4, 2026, 4:05 p.m."
        assert (
            _render("{{ m|day }}", m=datetime.datetime(2026, 12, 4, 23, 30, tzinfo=datetime.UTC))
            == "Dec. 5, 2026"
        )


def test_no_template_formats_a_date_its_own_way() -> None:
    """Only `|day`, `|moment`, and `|date:"c"` inside `<time datetime>` for machines."""
    own_way = re.compile(r"""\|date(?!:["']c["'])""")
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in sorted(Path(settings.BASE_DIR, "groundswell").rglob("templates/**/*.*"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if own_way.search(line)
    ]
    assert found == []
