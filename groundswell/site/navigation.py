"""The product's navigation, built from what each app registers in `core.registry`.

Each built app registers its own area and set-up links; the areas whose app has not been
built yet are registered here and link to an honest "not available yet" page.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from groundswell.core import registry
from groundswell.core.registry import Area
from groundswell.people.choices import LEADERS, SENIOR, Role
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can_somewhere

UNBUILT_AREAS = (
    Area(
        "leadership",
        _("Leadership"),
        _("Action plans, front-line immersion days, champions and forums."),
        LEADERS,
        position=90,
    ),
    Area(
        "problems",
        _("Problems"),
        _("Recurring problems fixed at the root by the department that owns them."),
        LEADERS,
        position=100,
    ),
    Area(
        "insights",
        _("Insights"),
        _("The service culture index by element and team, trends and benchmarks."),
        SENIOR,
        position=110,
    ),
)


def register_site_entries() -> None:
    """What the top itself adds: the areas not built yet, the admin site's link and the
    operations page's."""
    for area in UNBUILT_AREAS:
        registry.areas.register(area)
    registry.admin_links.register(
        registry.AdminLink(
            "admin",
            _("Admin site"),
            "admin:index",
            lambda person: can_somewhere(person, Action.USE_ADMIN_SITE),
            position=30,
        )
    )
    registry.admin_links.register(
        registry.AdminLink(
            "operations",
            _("Operations"),
            "site:operations",
            lambda person: can_somewhere(person, Action.VIEW_OPERATIONS),
            position=40,
        )
    )


def areas() -> list[Area]:
    """Every registered area, in product order."""
    return sorted(registry.areas, key=lambda area: area.position)


def area_by_slug(slug: str) -> Area | None:
    return next((area for area in registry.areas if area.slug == slug), None)


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    slug: str
    available: bool


def main_menu(person: Person) -> list[NavLink]:
    """The areas `person`'s role uses, in product order."""
    role = Role(person.role)
    return [
        NavLink(
            label=str(area.label),
            url=_url(area.url_name) if area.url_name else _url("site:area", area.slug),
            slug=area.slug,
            available=area.url_name is not None,
        )
        for area in areas()
        if role in area.roles
    ]


def admin_menu(person: Person) -> list[NavLink]:
    """Set-up pages, for those who may use them."""
    return [
        NavLink(str(link.label), _url(link.url_name), link.slug, True)
        for link in sorted(registry.admin_links, key=lambda link: link.position)
        if link.shown_to(person)
    ]


def _url(name: str, *args: str) -> str:
    """`reverse(name, args=args)`, remembered: the menus are on every page."""
    return _reverse(name, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=256)
def _reverse(name: str, args: tuple[str, ...], prefix: str, urlconf: str) -> str:
    # `prefix` and `urlconf` are part of the key: reverse() reads the first and takes the second.
    return reverse(name, args=args, urlconf=urlconf)
