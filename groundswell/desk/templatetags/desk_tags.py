"""Template tags for the desk pages."""

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from groundswell.desk.selectors import InteractionRow

register = template.Library()

ROW = """
    <tr>
      <th scope="row"><a href="{url}">{subject}</a></th>
      <td><time datetime="{opened_iso}">{opened_text}</time></td>
      <td>{team}</td>
      <td>{handled_by}</td>
      <td>{customer}</td>
      <td>{channel}</td>
      <td><span class="badge">{status}</span></td>
    </tr>"""


@register.simple_tag
def interaction_rows(rows: Iterable[InteractionRow]) -> SafeString:
    """The <tr> of each row of the interaction list, every value escaped (as `escape` does).

    Written in Python because the list is the desk's busiest page: a template loop resolves
    and escapes nine variables a row through the template engine, which for 50 rows took
    longer than the rest of the page.
    """
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            [
                ROW.format(
                    url=escape(row.url),
                    subject=escape(row.subject),
                    opened_iso=escape(row.opened_iso),
                    opened_text=escape(row.opened_text),
                    team=escape(row.team),
                    handled_by=escape(row.handled_by),
                    customer=escape(row.customer),
                    channel=escape(row.channel),
                    status=escape(row.status),
                )
                for row in rows
            ]
        )
    )
