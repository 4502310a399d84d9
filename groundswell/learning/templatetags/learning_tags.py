"""`{% team_options teams team %}`: the `<option>`s of the overdue page's team filter.

Built here rather than by a template loop: a manager of a large department chooses among a
thousand teams, and the loop cost most of the page at 100,000 people (docs/performance.md,
"Learning"); the HTML is the same, names escaped as the template would.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe

from groundswell.people.models import Team

register = template.Library()


@register.simple_tag
def team_options(teams: Iterable[tuple[int, str]], chosen: Team | str | None) -> SafeString:
    """One option per (id, name), the chosen team selected (none when the page has no team:
    the template passes "" for a missing one)."""
    chosen_pk = chosen.pk if isinstance(chosen, Team) else None
    options = "".join(
        f'<option value="{int(pk)}"{" selected" if pk == chosen_pk else ""}>'
        f"{html.escape(name)}</option>"
        for pk, name in teams
    )
    # Safe: the id is an int and the name escaped (quotes too), as format_html would; built
    # by hand because format_html_join cost 20 ms for a thousand teams on the bench machine.
    return mark_safe(options)  # noqa: S308
