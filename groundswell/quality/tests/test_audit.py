"""The metric audit page: reviews joined to the customer's CSAT on the same interaction in two
queries, the criteria that do not predict satisfaction named, the handle-time trap, the chart
drawn as SVG; managers for their department, executives and admins everywhere."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.desk.models import Interaction
from groundswell.quality import audit, statistics
from groundswell.voice.tests.factories import answers

PAIRS = 160


@pytest.fixture
def audited(team_alpha, agent, team_lead, score):
    """160 reviewed contacts: half rated 5, half 1. Ownership shown exactly when the customer
    was happy (predicts); accuracy spread the same way in both halves (predicts nothing);
    every other happy contact took 30 minutes, the rest 5 (the handle-time trap)."""
    at = timezone.now() - datetime.timedelta(days=10)
    csat = [5 if i % 2 == 0 else 1 for i in range(PAIRS)]
    made = answers(team_alpha, "csat", csat, at=at, agent=agent)
    for number, (response, satisfaction) in enumerate(zip(made, csat, strict=True)):
        interaction = response.invitation.interaction
        long = satisfaction == 5 and number % 4 == 0
        Interaction.objects.filter(pk=interaction.pk).update(
            handle_time_seconds=1800 if long else 300
        )
        score(
            team_lead,
            interaction,
            {
                "Takes ownership": 1 if satisfaction == 5 else 0,
                "Accurate answer": (number // 2) % 5 + 1,
            },
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
    from groundswell.people.choices import Role
    from groundswell.people.tests.factories import PersonFactory

    billing_manager = PersonFactory.create(
        role=Role.MANAGER, department=team_invoices.department, team=None, with_login=True
    )
    page = audit.audit_page(billing_manager, days=30)

    assert page.audit.interactions == 0
