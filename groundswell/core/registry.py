"""What each app adds to the site, registered in its `AppConfig.ready()`; the top reads it.

Core names no app, so an app does not import the site's top to appear on it: it registers
its menu area, its set-up link, its home-page panel, what makes a team need attention or its
periodic job here, and the top package (`groundswell/site/`) builds the navigation and the
home page from what is registered. A registry keeps registration order (INSTALLED_APPS
order); menus sort by `position`, the product order of DESIGN.md, which registration order
need not follow. Listed in docs/architecture.md ("The registry").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.tasks import Task
from django.utils.functional import Promise

# The signed-in person (`people.models.Person`). Core cannot name it, so the callables below
# take it untyped; each app's own function is typed where it is written.
Viewer = Any


class Registry[T]:
    """Entries in registration order; registering the same entry twice is harmless."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: list[T] = []

    def register(self, entry: T) -> T:
        if entry not in self._entries:
            self._entries.append(entry)
        return entry

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class Area:
    """A product area in the main menu: its slug, label, what it is for, and who sees it."""

    slug: str
    label: Promise
    purpose: Promise
    roles: frozenset[str]  # role values (people.choices.Role)
    url_name: str | None = None  # None until the area's app is built
    position: int = field(default=0, kw_only=True)  # product order, lowest first


@dataclass(frozen=True)
class AdminLink:
    """A set-up page in the admin menu, shown to whoever `shown_to(person)` allows."""

    slug: str
    label: Promise
    url_name: str
    shown_to: Callable[[Viewer], bool]
    position: int = field(default=0, kw_only=True)


@dataclass(frozen=True)
class HomePanel:
    """Something an app shows on the home page of some roles: `build(person)` becomes the
    home template's `context[name]`."""

    name: str
    roles: frozenset[str]
    build: Callable[[Viewer], object]


@dataclass(frozen=True)
class TeamNeed:
    """Something about one team that asks for a leader's attention, and where to act on it.

    Home pages rank teams by the sum of their needs' `weight` (how pressing: about 1 for
    something to look at this week, more the worse it is)."""

    team: Any  # people.models.Team, which core cannot name
    reason: str
    url: str
    weight: float


@dataclass(frozen=True)
class TeamNeeds:
    """Where an app finds the teams that need attention: `build(person)` gives `TeamNeed`s
    about the teams in that person's reach, for the home pages of `roles`."""

    name: str
    roles: frozenset[str]
    build: Callable[[Viewer], Iterable[TeamNeed]]


@dataclass(frozen=True)
class PeriodicJob:
    """Work the scheduler (`groundswell scheduler`) enqueues once in every period of `every`.

    Periods are counted from a Monday midnight UTC: a daily job is due from each midnight
    UTC, an hourly one from each full hour, a weekly one from each Monday. `task` is a
    `@task` called with no arguments; the task worker runs it.
    """

    name: str
    task: Task[..., Any]
    every: datetime.timedelta


areas: Registry[Area] = Registry("menu area")
admin_links: Registry[AdminLink] = Registry("admin link")
home_panels: Registry[HomePanel] = Registry("home panel")
team_needs: Registry[TeamNeeds] = Registry("team needs")
periodic_jobs: Registry[PeriodicJob] = Registry("periodic job")
