from typing import Any

from django import template

register = template.Library()


@register.filter
def get_score(scores: dict[str, Any], code: str) -> Any:
    """scores[code], or None: templates cannot index a dict by a variable."""
    return scores.get(code)
