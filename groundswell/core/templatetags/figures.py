"""`{{ value|figure }}` and `{{ value|figure:2 }}`: a figure rounded by the product's one rule.

Rounding is core.lib.stats.round_half_away (half away from zero), the same the API uses, so a
page and the API never disagree on a figure; the number is then localised like floatformat.
"""

from django import template
from django.utils import formats

from groundswell.core.lib.stats import round_half_away

register = template.Library()


@register.filter
def figure(value: float | str | None, places: int = 0) -> str:
    """`value` rounded half away from zero to `places` decimals; a dash for no value."""
    if value is None or value == "":
        return "—"
    return formats.number_format(round_half_away(float(value), int(places)), int(places))
