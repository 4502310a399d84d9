"""The metric audit page: reviews joined to the customer's CSAT on the same interaction in two
queries, the criteria that do not predict satisfaction named, the handle-time trap, the chart
drawn as SVG; managers for their department, executives and admins everywhere."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groundswell.desk.models import Interaction
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.people.tests.factories import DepartmentFactory, PersonFactory, TeamFactory
from groundswell.quality import audit, services, statistics
from groundswell.quality.models import Scorecard
from groundswell.quality.services import ScoreInput
from groundswell.quality.tests.conftest import ALL_MET
from groundswell.quality.tests.factories import criteria_of, make_scorecard
from groundswell.voice.tests.factories import answers

PAIRS = 160

# The people and the 160 reviewed contacts are made once for the module (they take most of its
# time), in a transaction rolled back after its last test; each test runs in a savepoint within
# it (pytest-django's `db`), so what one changes is gone before the next. The fixtures below
# stand in for the root conftest's ones of the same names, for this module only.
pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture(scope="module")
def _module_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _person(role: Role, email: str, team: Team | None, department: Department, **extra: Any):
    return PersonFactory.create(
        role=role, email=email, team=team, department=department, with_login=True, **extra
    )


@pytest.fixture(scope="module")
def org(_module_data: None) -> dict[str, Any]:
    service = DepartmentFactory.create(name="Customer Service", slug="customer-service")
    billing = DepartmentFactory.create(name="Billing", slug="billing")
    alpha = TeamFactory.create(department=service, name="Alpha", slug="customer-service-alpha")
    beta = TeamFactory.create(department=service, name="Beta", slug="customer-service-beta")
    invoices = TeamFactory.create(department=billing, name="Invoices", slug="billing-invoices")
    lead = _person(Role.TEAM_LEAD, "lead@example.test", alpha, service, full_name="Tara Lead")
    alpha.lead = lead
    alpha.save(update_fields=["lead"])
    admin = _person(
        Role.ADMIN,
        "admin@example.test",
        None,
        DepartmentFactory.create(name="IT", slug="it"),
        full_name="Adam Admin",
    )
    assert admin.user is not None
    admin.user.is_staff = admin.user.is_superuser = True
    admin.user.save(update_fields=["is_staff", "is_superuser"])
    return {
        "customer_service": service,
        "team_alpha": alpha,
        "team_invoices": invoices,
        "agent": _person(
            Role.AGENT, "agent@example.test", alpha, service, full_name="Ada Agent", manager=lead
        ),
        "other_agent": _person(
            Role.AGENT, "beta.agent@example.test", beta, service, full_name="Ben Beta"
        ),
        "team_lead": lead,
        "manager": _person(
            Role.MANAGER, "manager@example.test", None, service, full_name="Mona Manager"
        ),
        "executive": _person(
            Role.EXECUTIVE,
            "exec@example.test",
            None,
            DepartmentFactory.create(name="Leadership", slug="leadership"),
            full_name="Eve Exec",
        ),
        "admin": admin,
        "outsider": _person(
            Role.AGENT, "outsider@example.test", invoices, billing, full_name="Otto Outsider"
        ),
    }


@pytest.fixture(scope="module")
def manager(org: dict[str, Any]) -> Person:
    return org["manager"]


@pytest.fixture(scope="module")
def team_invoices(org: dict[str, Any]) -> Team:
    return org["team_invoices"]


@pytest.fixture(scope="module")
def scorecard(org: dict[str, Any]) -> Scorecard:
    return make_scorecard(org["manager"], org["customer_service"])


@pytest.fixture(scope="module")
def audited(org: dict[str, Any], scorecard: Scorecard) -> list[Any]:
    """160 reviewed contacts: half rated 5, half 1. Ownership shown exactly when the customer
    was happy (predicts); accuracy spread the same way in both halves (predicts nothing);
    every other happy contact took 30 minutes, the rest 5 (the handle-time trap)."""
    team_alpha, agent, team_lead = org["team_alpha"], org["agent"], org["team_lead"]
    criteria = criteria_of(scorecard)
    at = timezone.now() - datetime.timedelta(days=10)
    csat = [5 if i % 2 == 0 else 1 for i in range(PAIRS)]
    made = answers(team_alpha, "csat", csat, at=at, agent=agent)
    for number, (response, satisfaction) in enumerate(zip(made, csat, strict=True)):
        interaction = response.invitation.interaction
        long = satisfaction == 5 and number % 4 == 0
        Interaction.objects.filter(pk=interaction.pk).update(
            handle_time_seconds=1800 if long else 300
        )
        interaction.refresh_from_db(fields=["handle_time_seconds"])
        values = ALL_MET | {
            "Takes ownership": 1 if satisfaction == 5 else 0,
            "Accurate answer": (number // 2) % 5 + 1,
        }
        services.review_interaction(
            actor=team_lead,
            interaction=interaction,
            scores={criteria[name].pk: ScoreInput(value=v) for name, v in values.items()},
            submit=True,
        )
    return made


def test_rows_in_two_queries(audited, manager, django_assert_num_queries):
    until = timezone.now()
    since = until - datetime.timedelta(days=30)

    with django_assert_num_queries(2):
        data = audit.audit_data(audit.audited_reviews(manager, since, until))

    assert len(data.rows) == PAIRS
    assert {row.satisfaction for row in data.rows} == {1.0, 5.0}
    assert data.labels[next(iter(data.scales))] == "Takes ownership"
    assert all(row.handle_time in (300.0, 1800.0) for row in data.rows)


def test_the_audit_names_what_predicts_and_what_does_not(audited, manager):
    page = audit.audit_page(manager, days=30)
    by_label = {item.label: item for item in page.audit.measures}

    assert by_label["Takes ownership"].verdict == statistics.Verdict.PREDICTS
    assert by_label["Accurate answer"].verdict == statistics.Verdict.DOES_NOT_PREDICT
    assert [item.label for item in page.not_predicting] == ["Accurate answer"]
    assert page.audit.handle_time is not None
    assert page.audit.handle_time.punishes_good_service
    assert any("Accurate answer" in line for line in page.summary)


def test_the_period_leaves_older_contacts_out(audited, manager):
    assert audit.audit_page(manager, days=30).audit.interactions == PAIRS
    Interaction.objects.update(opened_at=timezone.now() - datetime.timedelta(days=100))

    assert audit.audit_page(manager, days=30).audit.interactions == 0
    assert audit.audit_page(manager, days=180).audit.interactions == PAIRS


def test_the_page_draws_the_chart_and_the_trap(audited, manager, client_for):
    response = client_for(manager).get(reverse("quality:audit") + "?period=90")

    assert response.status_code == 200
    text = response.text
    assert "<svg" in text
    assert "<rect" in text
    assert "Criteria that do not predict satisfaction" in text
    assert "does not predict satisfaction" in text
    assert "The handle-time trap" in text
    assert 'value="90" selected' in text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 403),
        ("other_agent", 403),
        ("team_lead", 403),
        ("outsider", 403),
        ("manager", 200),
        ("executive", 200),
        ("admin", 200),
    ],
)
def test_audit_page_per_role(role, status, org, client_for):
    assert client_for(org[role]).get(reverse("quality:audit")).status_code == status


def test_a_manager_of_another_department_reads_none_of_it(audited, team_invoices, client_for):
    billing_manager = PersonFactory.create(
        role=Role.MANAGER, department=team_invoices.department, team=None, with_login=True
    )
    page = audit.audit_page(billing_manager, days=30)

    assert page.audit.interactions == 0
