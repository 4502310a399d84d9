"""Browser tests: Playwright drives Debian's Chromium against a live Groundswell server.

One Chromium per test session (pytest-playwright's `browser`), a fresh context per test.
The live server listens on 127.0.0.1 only and every test runs on a transactional test
database, so what a test creates is what the browser sees.

Chromium comes from Debian (`apt-get install chromium`), never from Playwright's download;
`CHROMIUM_PATH` points elsewhere. Without it these tests fail, they are never skipped.
"""

import os
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from playwright.sync_api import Browser, Page, Playwright
from pytest_django.live_server_helper import LiveServer

from groundswell.people.models import Person
from groundswell.voice.tests.test_invitation_smtp import Inbox, free_port

# Chromium in a container: no sandbox (we run as root), no GPU, and nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

BROWSER_VERSION = pytest.StashKey[str]()


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    """Mark everything under tests/browser as a browser test, and run those last.

    Marking comes before `-m` selects. Running last matters: once Playwright is started, its
    event loop and DJANGO_ALLOW_ASYNC_UNSAFE stay until the session ends, and no other test
    should run beside them (pytest would otherwise reorder tests around the session-scoped
    `browser_name` parameter).
    """
    here = Path(__file__).parent
    browser_items = {item for item in items if here in Path(item.path).parents}
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    yield
    items.sort(key=lambda item: item in browser_items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A skipped browser test is a failed one: CI must show that the browser really ran."""
    report = yield
    version = item.config.stash.get(BROWSER_VERSION, None)
    if version is not None and "browser" in item.keywords:
        # Reports travel from pytest-xdist's workers to the controller that prints the summary.
        report.user_properties.append(("browser_version", version))
    if report.skipped and "browser" in item.keywords and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Browser tests may not be skipped ({reason})."
    return report


def chromium_executable() -> str:
    """Debian's Chromium, or `CHROMIUM_PATH`; a failure that says how to get it otherwise."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {path}. The browser tests drive Debian's Chromium: "
            "install it with `apt-get install chromium` (or set CHROMIUM_PATH to a "
            "Chromium or Chrome binary).",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def _django_beside_event_loop() -> Iterator[None]:
    """Let Django's sync ORM run in the test thread while Playwright's event loop is open.

    Playwright's sync API keeps an asyncio loop in the main thread for the whole session;
    Django would otherwise refuse every query the tests make there. Nothing here is async.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def playwright(_django_beside_event_loop: None, playwright: Playwright) -> Playwright:
    """pytest-playwright's session, started once Django allows it."""
    return playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (keeps `--headed`, `--slowmo` from the command line).

    Playwright gives every launch a fresh temporary profile (`--user-data-dir`).
    """
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable(),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser(browser: Browser, pytestconfig: pytest.Config) -> Browser:
    """pytest-playwright's one Chromium for the session, its version noted for the summary."""
    pytestconfig.stash[BROWSER_VERSION] = f"Chromium {browser.version}"
    return browser


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """pytest-django's live server, bound to the loopback address only."""
    server = LiveServer("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """Lets tests write `page.goto("/people/")`."""
    return str(live_server.url)


@pytest.fixture
def people(org: dict[str, Person]) -> dict[str, Person]:
    """The root conftest's organisation, one person per role, all able to sign in."""
    return org


@pytest.fixture
def phone_page(new_context: Any) -> Page:
    """A page the size of a phone held upright."""
    context = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page: Page = context.new_page()
    return page


@pytest.fixture
def inbox(live_server: LiveServer) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1 that the mailer sends to; links point at the live server."""
    received = Inbox()
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        with override_settings(MAILERS=mailers, SITE_URL=str(live_server.url)):
            yield received
    finally:
        controller.stop()
