"""Template helpers for recognition's pages."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def points_enabled() -> bool:
    """Whether points and rewards are switched on (`POINTS_ENABLED`)."""
    return bool(settings.GROUNDSWELL_POINTS_ENABLED)
