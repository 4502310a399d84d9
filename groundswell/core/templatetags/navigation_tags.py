"""The sidebar menu, rendered once per distinct menu rather than on every page."""

from typing import Any

from django import template
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

NAV_TEMPLATE = "core/components/nav.html"
_rendered: dict[tuple[Any, ...], SafeString] = {}
_MAX_RENDERED = 512


@register.simple_tag(takes_context=True)
def main_navigation(context: Context) -> SafeString:
    """`{% include "core/components/nav.html" %}`, remembered for this process.

    The menu is the same on every page a role sees, but for the link marked current, and
    rendering its dozen links took most of the base layout's time. The key holds all that
    the template reads: the menus (from the `navigation` context processor), the current
    link, whether this is the home page, the language and the URLs' prefix. Change the key
    with the template. With template debugging on (development) nothing is remembered, so
    edits to the template show at once.
    """
    nav = context.template.engine.get_template(NAV_TEMPLATE)  # type: ignore[union-attr]
    if context.template.engine.debug:  # type: ignore[union-attr]
        return SafeString(nav.render(context))
    request = context["request"]
    match = getattr(request, "resolver_match", None)
    key = (
        tuple(context.get("main_menu") or ()),
        tuple(context.get("admin_menu") or ()),
        context.get("current_menu_url"),
        getattr(match, "view_name", None) == "site:home",
        get_language(),
        get_script_prefix(),
        get_urlconf(),
    )
    html = _rendered.get(key)
    if html is None:
        if len(_rendered) >= _MAX_RENDERED:
            _rendered.clear()
        html = _rendered[key] = SafeString(nav.render(context))
    return html
