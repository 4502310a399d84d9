"""`{% team_options teams team %}`: the `<option>`s of the overdue page's team filter.

Built here rather than by a template loop: a manager of a large department chooses among a
thousand teams, and the loop cost most of the page at 100,000 people (docs/performance.md,
"Learning"); the HTML is the same.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from groundswell.people.models import Team

register = template.Library()


@register.simple_tag
def team_options(teams: Iterable[tuple[int, str]], chosen: Team | str | None) -> SafeString:
    """One option per (id, name), the chosen team selected (none when the page has no team:
    the template passes "" for a missing one)."""
    chosen_pk = chosen.pk if isinstance(chosen, Team) else None
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == chosen_pk else "", name) for pk, name in teams),
    )
