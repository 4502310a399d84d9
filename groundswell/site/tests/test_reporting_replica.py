"""The dashboards' heavy reads go to the read replica, and nothing else does.

The test settings always define a `replica` alias as a mirror of the primary (one test
database, read through a second connection), so these tests switch the reports to it
(GROUNDSWELL_REPORTING_DATABASE, what DATABASE_REPLICA_URL sets) and watch which connection
each query takes. They commit their data (transactional tests), as a replica only sees what
the primary committed.
"""

import datetime

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groundswell.pulse import selectors as pulse_selectors
from groundswell.pulse import services as pulse_services
from groundswell.pulse.choices import CampaignKind
from groundswell.pulse.tests.factories import add_submissions, fake_wave
from groundswell.voice.dashboard import rollups
from groundswell.voice.tests import factories as voice_data

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica"]
)


@pytest.fixture
def on_replica(settings):
    settings.GROUNDSWELL_REPORTING_DATABASE = "replica"


def _tables(queries: CaptureQueriesContext) -> str:
    return " ".join(query["sql"] for query in queries.captured_queries)


def _reads_only(queries: CaptureQueriesContext) -> bool:
    """Every query a SELECT (PostgreSQL's UNION puts each part in parentheses)."""
    return all(query["sql"].lstrip("( ").upper().startswith("SELECT") for query in queries)


def test_the_customer_voice_dashboard_reads_its_figures_from_the_replica(
    org, team_alpha, admin, client_for, on_replica
):
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    voice_data.answers(team_alpha, "csat", [5, 4, 2], at=two_days_ago, agent=org["agent"])
    voice_data.answers(team_alpha, "csat", [5], at=timezone.now(), agent=org["agent"])
    with CaptureQueriesContext(connections["replica"]) as during_refresh:
        rollups.refresh_voice_rollups()  # a write: on the primary only
    client = client_for(admin)

    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(reverse("voice_dashboard:dashboard"))

    assert response.status_code == 200
    assert response.context["figures"].summary.responses == 4  # rolled up 3 + today's 1
    assert during_refresh.captured_queries == []
    replica_sql, primary_sql = _tables(replica), _tables(primary)
    for table in ("voice_weeklyvoicerollup", "voice_voicerollupstate", "voice_response"):
        assert table in replica_sql
        assert table not in primary_sql
    assert "people_person" in primary_sql  # who is asking stays on the primary
    assert _reads_only(replica)


def test_pulse_results_read_the_wave_from_the_replica(
    admin, customer_service, team_alpha, on_replica
):
    campaign = pulse_services.create_campaign(
        actor=admin,
        name="Culture check",
        kind=CampaignKind.PULSE,
        departments=[customer_service],
        elements=["training"],
    )
    wave = fake_wave(campaign)
    add_submissions(wave, team_alpha, [[9, 4, 4, 4]] * 10)

    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        results = pulse_selectors.campaign_results(admin, campaign)

    assert results.is_published
    assert {group.label: group.respondents for group in results.groups}["Alpha"] == 10
    replica_sql, primary_sql = _tables(replica), _tables(primary)
    for table in ("pulse_submission", "pulse_answer", "pulse_pendingsubmission"):
        assert table in replica_sql
        assert table not in primary_sql
    assert _reads_only(replica)


def test_without_a_replica_the_reports_stay_on_the_primary(team_alpha, admin, client_for):
    voice_data.answers(team_alpha, "csat", [5], at=timezone.now())

    with CaptureQueriesContext(connections["replica"]) as replica:
        response = client_for(admin).get(reverse("voice_dashboard:dashboard"))

    assert response.status_code == 200
    assert replica.captured_queries == []
