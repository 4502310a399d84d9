"""Every page a person can reach by following links, on the demo organisation: no serious or
critical axe finding, and no link that leads to an error.

Each demo role signs in and follows the links of the pages it opens, breadth first from its
home page. A page is known by its URL name (one person's profile stands for every profile), so
each kind of page is checked once, by the first role that reaches it; every role's own home is
checked. New pages are covered as soon as a menu or a page links to them.
"""

from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import Page

from groundswell.people.choices import Role
from groundswell.people.demo import DEMO_EMAILS, DEMO_PASSWORD, DemoSize, seed_demo
from tests.browser.helpers import fill_login_form
from tests.browser.test_accessibility import assert_accessible, blocking_violations

pytestmark = pytest.mark.browser

ROLES = (Role.AGENT, Role.TEAM_LEAD, Role.MANAGER, Role.EXECUTIVE, Role.ADMIN)
# Not pages of ours to check: Django's admin site, the API's interactive docs (a third-party
# page), files to download, and signing out.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/accounts/logout/")
SKIPPED_ENDINGS = (".csv", ".xlsx", ".json", ".png", ".svg")
MOST_PAGES = 80  # bounds the run: about a second a page


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The small demo as of today, committed so the live server sees it."""
    seed_demo(size=DemoSize.SMALL, seed=7, today=timezone.localdate())


def _page_kind(path: str) -> str | None:
    """The URL name of a path of ours worth checking, or None to leave it."""
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_ENDINGS):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _links(page: Page) -> list[str]:
    hrefs: list[str] = page.locator("a[href]:not([download])").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def test_every_page_reached_by_links_is_accessible_and_answers(
    demo: None, page: Page, axe: Axe, base_url: str
) -> None:
    checked: dict[str, str] = {}  # page kind -> where it was first checked
    findings: list[str] = []
    broken: list[str] = []
    for role in ROLES:
        page.context.clear_cookies()
        fill_login_form(page, DEMO_EMAILS[role], DEMO_PASSWORD)
        page.get_by_role("button", name="Sign out").wait_for()
        queue: deque[tuple[str, str]] = deque([("/", "home")])
        seen_here: set[str] = set()
        while queue and len(checked) < MOST_PAGES:
            path, came_from = queue.popleft()
            kind = _page_kind(urlsplit(path).path)
            if kind is None or kind in seen_here:
                continue
            seen_here.add(kind)
            first_time = kind not in checked or path == "/"
            response = page.goto(path)
            status = response.status if response is not None else 0
            if status >= 400:
                broken.append(f"{role}: {path} (linked from {came_from}) answered {status}")
                continue
            if first_time:
                checked.setdefault(kind, f"{role} {path}")
                findings += blocking_violations(axe, page, f"{role} / {path}")
            queue.extend((link, path) for link in _links(page))

    assert len(checked) >= 20, f"only {len(checked)} kinds of page reached: {sorted(checked)}"
    assert not broken, "links that lead to an error:\n" + "\n".join(broken)
    assert_accessible(findings)


@pytest.fixture(scope="module")
def axe() -> Any:
    return Axe()
