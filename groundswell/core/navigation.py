"""The product's navigation: one entry per area of DESIGN.md, shown to the roles that use it.

Areas whose app has not been built yet link to an honest "not available yet" page.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can

EVERYONE = frozenset(Role)
LEADERS = frozenset({Role.TEAM_LEAD, Role.MANAGER, Role.EXECUTIVE, Role.ADMIN})
SENIOR = frozenset({Role.MANAGER, Role.EXECUTIVE, Role.ADMIN})


@dataclass(frozen=True)
class Area:
    """A product area: its slug, menu label, what it is for, and who sees it."""

    slug: str
    label: Promise
    purpose: Promise
    roles: frozenset[Role]
    url_name: str | None = None  # None until the area's app is built


AREAS: tuple[Area, ...] = (
    Area(
        "people",
        _("People"),
        _("Departments, teams and colleagues."),
        EVERYONE,
        "people:person-list",
    ),
    Area(
        "desk",
        _("Service desk"),
        _("Customer and internal interactions, and the promises made in them."),
        EVERYONE,
        "desk:interaction-list",
    ),
    Area(
        "voice",
        _("Voice"),
        _("Customer surveys after every service, employee pulses and the culture assessment."),
        EVERYONE,
        "voice_dashboard:dashboard",
    ),
    Area(
        "pulse",
        _("Employee voice"),
        _("Anonymous pulse surveys, eNPS and the culture assessment."),
        EVERYONE,
        "pulse:campaign-list",
    ),
    Area(
        "ideas",
        _("Open door"),
        _("Ideas, issues and policy friction raised by anyone, acknowledged on time."),
        EVERYONE,
        "ideas:idea-list",
    ),
    Area(
        "quality",
        _("Quality"),
        _("Behaviour scorecards, reviews, calibration and coaching."),
        EVERYONE,
    ),
    Area(
        "recognition",
        _("Recognition"),
        _("Kudos tied to our values, customer compliments and heroes."),
        EVERYONE,
    ),
    Area(
        "learning",
        _("Learning"),
        _("Hiring for attitude, onboarding with a buddy, courses and refreshers."),
        EVERYONE,
    ),
    Area(
        "leadership",
        _("Leadership"),
        _("Action plans, front-line immersion days, champions and forums."),
        LEADERS,
    ),
    Area(
        "problems",
        _("Problems"),
        _("Recurring problems fixed at the root by the department that owns them."),
        LEADERS,
    ),
    Area(
        "insights",
        _("Insights"),
        _("The service culture index by element and team, trends and benchmarks."),
        SENIOR,
    ),
)
AREAS_BY_SLUG = {area.slug: area for area in AREAS}


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
            url=_url(area.url_name) if area.url_name else _url("core:area", area.slug),
            slug=area.slug,
            available=area.url_name is not None,
        )
        for area in AREAS
        if role in area.roles
    ]


def admin_menu(person: Person) -> list[NavLink]:
    """Set-up pages, for those who may use them."""
    links = []
    if can(person, Action.IMPORT_PEOPLE):
        links.append(NavLink(str(_("Import people")), _url("people:import"), "import", True))
    if can(person, Action.MANAGE_API_KEYS):
        links.append(NavLink(str(_("API keys")), _url("api_keys:list"), "api-keys", True))
    if can(person, Action.USE_ADMIN_SITE):
        links.append(NavLink(str(_("Admin site")), _url("admin:index"), "admin", True))
    return links


def _url(name: str, *args: str) -> str:
    """`reverse(name, args=args)`, remembered: the menus are on every page."""
    return _reverse(name, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=256)
def _reverse(name: str, args: tuple[str, ...], prefix: str, urlconf: str) -> str:
    # `prefix` and `urlconf` are part of the key: reverse() reads the first and takes the second.
    return reverse(name, args=args, urlconf=urlconf)
