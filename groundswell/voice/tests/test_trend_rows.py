"""`{% trend_rows %}` draws the weekly table beside each chart exactly as the template loop it
replaced did (whitespace aside), in every language."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from groundswell.core.lib.stats import Interval
from groundswell.voice.dashboard.tables import Trend, TrendPoint
from groundswell.voice.templatetags.dashboard import trend_rows

# The loop as the template wrote it before the tag.
LOOP = Template(
    "{% load figures i18n moments %}{% for point in trend.points %}"
    '<tr><th scope="row">{{ point.week|day }}</th>{% if point.value is None %}'
    '<td colspan="2" class="muted">{{ point.reason }}</td>{% else %}'
    "<td>{{ point.value|figure:trend.places }}{{ trend.unit }}</td><td>{% if point.interval %}"
    "{% blocktranslate with low=point.interval.low|figure:trend.places "
    "high=point.interval.high|figure:trend.places unit=trend.unit %}"
    "{{ low }} to {{ high }}{{ unit }}{% endblocktranslate %}{% else %}"
    '<span class="muted">{% translate "none from one answer" %}</span>{% endif %}</td>'
    "{% endif %}<td>{{ point.n }}</td></tr>{% endfor %}"
)


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def trend(unit: str, places: int) -> Trend:
    monday = datetime.date(2026, 11, 2)
    points = [
        TrendPoint(monday, 3, None, None, "too few answers (3 of 10)"),
        TrendPoint(monday + datetime.timedelta(weeks=1), 1, 4.5, None, ""),
        TrendPoint(monday + datetime.timedelta(weeks=2), 1234, 81.25, Interval(78.5, 83.75), ""),
        TrendPoint(monday + datetime.timedelta(weeks=3), 40, -12.5, Interval(-30.0, 5.25), ""),
    ]
    return Trend("csat", "<CSAT>", unit, (0, 100), places, "Wilson", 10, points)


@pytest.mark.parametrize("language", ["en", "de", "fr"])
@pytest.mark.parametrize(("unit", "places"), [("%", 0), ("", 2), ("<b>", 1)])
def test_the_rows_are_the_loops(language, unit, places):
    shown = trend(unit, places)
    with translation.override(language):
        expected = LOOP.render(Context({"trend": shown}))
        drawn = trend_rows(shown)

    assert squeezed(drawn) == squeezed(expected)
    assert "&lt;b&gt;" in drawn or unit != "<b>"  # the unit is escaped
