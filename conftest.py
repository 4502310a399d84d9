"""Shared fixtures: a small organisation with one person per role, and signed-in clients.

Organisation used across the suite:

- Customer Service: team "Alpha" (led by `team_lead`, with `agent`) and team "Beta"
  (with `other_agent`); `manager` manages the department.
- Billing: team "Invoices" with `outsider`, an agent of another department.
- Leadership: `executive`; IT: `admin`.

`small_demo` instead loads the whole small demo (every app's step), once per test module.
"""

import datetime
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from filelock import FileLock

from groundswell.people.choices import Role
from groundswell.people.demo import DemoResult, DemoSize, seed_demo
from groundswell.people.models import Department, Person, Team
from groundswell.people.tests.factories import (
    PASSWORD,
    DepartmentFactory,
    PersonFactory,
    TeamFactory,
)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration applied, made once per test run (shared by the
    xdist workers through a lock) for tests that start Groundswell in another process: they
    copy it (`copy_migrated_sqlite`) instead of each paying `migrate` (about 19 s of CPU, most
    of it Django re-rendering model states)."""
    shared = tmp_path_factory.getbasetemp().parent
    template = shared / "migrated-template.sqlite3"
    with FileLock(str(shared / "migrated-template.lock")):
        if not template.exists():
            building = shared / "migrated-template.building.sqlite3"
            building.unlink(missing_ok=True)
            keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYENV_ROOT"}
            environment = {k: v for k, v in os.environ.items() if k in keep} | {
                "GROUNDSWELL_ENV": "development",
                "GROUNDSWELL_DATA_DIR": str(shared),
                "DATABASE_URL": f"sqlite:///{building}",
                "DEBUG": "false",
                "LOG_LEVEL": "WARNING",
            }
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                cwd=Path(__file__).resolve().parent,
                env=environment,
                check=True,
                timeout=600,
            )
            building.rename(template)
    return template


@pytest.fixture
def copy_migrated_sqlite(migrated_sqlite: Path) -> Callable[[Path], Path]:
    """Copy the migrated SQLite file to `path` (a file), ready for a server of its own."""

    def copy(path: Path) -> Path:
        shutil.copyfile(migrated_sqlite, path)
        return path

    return copy


@pytest.fixture(autouse=True)
def _block_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach beyond this machine: only loopback connections are allowed."""
    import socket

    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "::1", "localhost"}
            and not (host.startswith("127.") or host.startswith("/"))
        ):
            raise OSError(f"Tests may not connect to {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache, so a brake tripped by one (say, fuzzing the
    follow-up code) cannot lock out the next, the live server of browser journeys included."""
    from django.core.cache import caches

    for cache in caches.all():  # the request limits' "ratelimit" cache too (memory in tests)
        cache.clear()


DEMO_SEED = 7
DEMO_TODAY = datetime.date(2025, 6, 2)


@pytest.fixture(scope="module")
def small_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    """The small demo (seed 7, as of DEMO_TODAY), loaded once per test module and xdist worker.

    Seeding takes seconds, so the module's tests share one load: it stays inside a transaction
    that is rolled back after the module's last test, and each test runs in its own savepoint
    within it (pytest-django's `db`), so what one test changes is gone before the next. Every
    test of a module that uses it must ask for it (and `db`): a test without it would still
    see the demo whenever it ran after one that loaded it.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield seed_demo(size=DemoSize.SMALL, seed=DEMO_SEED, today=DEMO_TODAY)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def customer_service(db: None) -> Department:
    return DepartmentFactory.create(name="Customer Service", slug="customer-service")


@pytest.fixture
def billing(db: None) -> Department:
    return DepartmentFactory.create(name="Billing", slug="billing")


@pytest.fixture
def team_alpha(customer_service: Department) -> Team:
    return TeamFactory.create(
        department=customer_service, name="Alpha", slug="customer-service-alpha"
    )


@pytest.fixture
def team_beta(customer_service: Department) -> Team:
    return TeamFactory.create(
        department=customer_service, name="Beta", slug="customer-service-beta"
    )


@pytest.fixture
def team_invoices(billing: Department) -> Team:
    return TeamFactory.create(department=billing, name="Invoices", slug="billing-invoices")


def _person(
    role: Role, email: str, team: Team | None, department: Department | None = None, **extra: Any
) -> Person:
    return PersonFactory.create(
        role=role,
        email=email,
        team=team,
        department=department or team.department,
        with_login=True,
        **extra,
    )


@pytest.fixture
def team_lead(team_alpha: Team) -> Person:
    lead = _person(Role.TEAM_LEAD, "lead@example.test", team_alpha, full_name="Tara Lead")
    team_alpha.lead = lead
    team_alpha.save(update_fields=["lead"])
    return lead


@pytest.fixture
def agent(team_alpha: Team, team_lead: Person) -> Person:
    return _person(
        Role.AGENT, "agent@example.test", team_alpha, full_name="Ada Agent", manager=team_lead
    )


@pytest.fixture
def other_agent(team_beta: Team) -> Person:
    return _person(Role.AGENT, "beta.agent@example.test", team_beta, full_name="Ben Beta")


@pytest.fixture
def manager(customer_service: Department) -> Person:
    return _person(
        Role.MANAGER, "manager@example.test", None, customer_service, full_name="Mona Manager"
    )


@pytest.fixture
def executive(db: None) -> Person:
    leadership = DepartmentFactory.create(name="Leadership", slug="leadership")
    return _person(Role.EXECUTIVE, "exec@example.test", None, leadership, full_name="Eve Exec")


@pytest.fixture
def admin(db: None) -> Person:
    it = DepartmentFactory.create(name="IT", slug="it")
    person = _person(Role.ADMIN, "admin@example.test", None, it, full_name="Adam Admin")
    assert person.user is not None
    person.user.is_staff = person.user.is_superuser = True
    person.user.save(update_fields=["is_staff", "is_superuser"])
    return person


@pytest.fixture
def outsider(team_invoices: Team) -> Person:
    return _person(Role.AGENT, "outsider@example.test", team_invoices, full_name="Otto Outsider")


ROLES = ("agent", "team_lead", "manager", "executive", "admin")


@pytest.fixture
def org(
    agent: Person,
    other_agent: Person,
    team_lead: Person,
    manager: Person,
    executive: Person,
    admin: Person,
    outsider: Person,
) -> dict[str, Person]:
    """Everyone at once, by fixture name."""
    return {
        "agent": agent,
        "other_agent": other_agent,
        "team_lead": team_lead,
        "manager": manager,
        "executive": executive,
        "admin": admin,
        "outsider": outsider,
    }


@pytest.fixture
def client_for(db: None) -> Callable[[Person], Client]:
    """A test client signed in as the given person."""

    def make(person: Person) -> Client:
        client = Client()
        assert person.user is not None
        client.force_login(person.user, backend="groundswell.people.backends.PersonBackend")
        return client

    return make


@pytest.fixture
def password() -> str:
    return PASSWORD


# The browser tests' summary line lives here, not in tests/browser/conftest.py: under
# pytest-xdist the controller that prints the summary collects nothing, so it only loads this
# file. The browser conftest puts the Chromium version on each report as a user property.
def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many browser tests ran, in which browser, on which database."""
    outcomes: dict[str, set[str]] = {}
    versions: set[str] = set()
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if "browser" in getattr(report, "keywords", {}):
                outcomes.setdefault(outcome, set()).add(report.nodeid)
                versions |= {v for k, v in report.user_properties if k == "browser_version"}
    if not outcomes:
        return
    from django.db import connection

    counts = ", ".join(f"{len(ids)} {outcome}" for outcome, ids in outcomes.items())
    version = ", ".join(sorted(versions)) or "Chromium (not started)"
    terminalreporter.write_sep("-", "browser tests")
    terminalreporter.write_line(
        f"Browser tests: {counts}, in {version} against {connection.display_name}."
    )
