"""The metrics endpoints under /api/v1: per role, filters, suppression, errors and query counts."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.people.models import Person, Team
from groundswell.voice.dashboard import rollups
from groundswell.voice.tests import factories as data

API = "/api/v1"
DAY = datetime.timedelta(days=1)
ClientFor = Callable[[Person], Client]
ENDPOINTS = ["summary", "by-team", "by-agent", "by-channel", "trend"]


@pytest.fixture
def answered(
    org: dict[str, Person], team_alpha: Team, team_beta: Team, team_invoices: Team
) -> None:
    now = timezone.now() - datetime.timedelta(seconds=1)
    data.answers(team_alpha, "csat", [5, 4, 1], at=now - 2 * DAY, agent=org["agent"])
    data.answers(team_alpha, "nps", [10] * 11, at=now, agent=org["agent"], unanswered=11)
    data.answers(team_beta, "csat", [2], at=now, agent=org["other_agent"], channel="chat")
    data.interactions(team_invoices, 3, at=now - 5 * DAY)
    rollups.refresh_voice_rollups()


@pytest.mark.usefixtures("answered")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "role", ["agent", "team_lead", "manager", "executive", "admin", "outsider"]
)
def test_every_role_may_read_metrics(
    endpoint: str, role: str, org: dict[str, Person], client_for: ClientFor
) -> None:
    response = client_for(org[role]).get(f"{API}/metrics/{endpoint}")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("endpoint", [*ENDPOINTS])
def test_metrics_need_credentials(endpoint: str, client: Client, db: None) -> None:
    assert client.get(f"{API}/metrics/{endpoint}").status_code == 401


@pytest.mark.usefixtures("answered")
def test_summary_with_an_api_key(admin: Person, client: Client, team_alpha: Team) -> None:
    secret = create_api_key(actor=admin, name="BI", scope=ApiKeyScope.READ).secret
    response = client.get(
        f"{API}/metrics/summary",
        {"team": team_alpha.pk, "weeks": 4},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.content
    figures: dict[str, Any] = response.json()["figures"]
    # CSAT 5, 4, 1: 2 of 3 favourable = 66.67%, mean 10 / 3 = 3.33
    assert figures["csat"]["n"] == 3
    assert figures["csat"]["favourable"] == 67  # whole points, as on the page
    assert figures["csat"]["favourable_unrounded"] == pytest.approx(66.667, abs=1e-2)
    assert figures["csat"]["mean"] == 3.33
    # NPS: 11 promoters of 11 = 100 +/- 0; 14 answers of 25 invitations = 56%
    assert figures["nps"] == {
        "n": 11,
        "promoters": 100,
        "detractors": 0,
        "score": 100,
        "margin": 0,
        "promoters_unrounded": 100.0,
        "detractors_unrounded": 0.0,
        "score_unrounded": 100.0,
        "margin_unrounded": 0.0,
    }
    assert figures["response_rate"] == 56
    assert figures["ces"] is None


@pytest.mark.usefixtures("answered")
def test_by_team_is_scoped(team_lead: Person, manager: Person, client_for: ClientFor) -> None:
    lead = client_for(team_lead).get(f"{API}/metrics/by-team").json()
    assert [row["name"] for row in lead] == ["Alpha"]
    assert [row["name"] for row in client_for(manager).get(f"{API}/metrics/by-team").json()] == [
        "Alpha",
        "Beta",
    ]


@pytest.mark.usefixtures("answered")
def test_agent_scores_below_the_minimum_are_null(manager: Person, client_for: ClientFor) -> None:
    rows = {row["name"]: row for row in client_for(manager).get(f"{API}/metrics/by-agent").json()}
    assert rows["Ada Agent"]["nps"]["score"] == 100.0  # 11 answers
    assert rows["Ada Agent"]["csat"] is None  # 3 answers
    assert rows["Ben Beta"] == {
        "agent": rows["Ben Beta"]["agent"],
        "name": "Ben Beta",
        "responses": 1,
        "suppressed": True,
        "minimum": 10,
        "csat": None,
        "nps": None,
        "ces": None,
    }


@pytest.mark.usefixtures("answered")
def test_an_agent_sees_only_their_own_scores(agent: Person, client_for: ClientFor) -> None:
    rows = client_for(agent).get(f"{API}/metrics/by-agent").json()
    assert [row["name"] for row in rows] == ["Ada Agent"]


@pytest.mark.usefixtures("answered")
def test_channel_and_trend(admin: Person, client_for: ClientFor) -> None:
    client = client_for(admin)
    channels = client.get(f"{API}/metrics/by-channel").json()
    assert [row["channel"] for row in channels] == ["email", "chat"]
    trend = client.get(f"{API}/metrics/trend", {"weeks": "4", "channel": "chat"}).json()
    assert len(trend) == 4
    assert trend[-1]["figures"]["responses"] == 1


@pytest.mark.usefixtures("answered")
def test_a_team_outside_the_scope_is_not_found(
    outsider: Person, team_alpha: Team, client_for: ClientFor
) -> None:
    response = client_for(outsider).get(f"{API}/metrics/summary", {"team": team_alpha.pk})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [({"weeks": 5}, "weeks"), ({"channel": "fax"}, "channel"), ({"team": 0}, "team")],
)
def test_bad_filters_name_the_field(
    params: dict[str, Any], field: str, admin: Person, client_for: ClientFor
) -> None:
    response = client_for(admin).get(f"{API}/metrics/summary", params)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.usefixtures("answered")
def test_analytics_summary_counts_interactions_per_team(
    org: dict[str, Person],
    client_for: ClientFor,
    team_alpha: Team,
    team_beta: Team,
    team_invoices: Team,
) -> None:
    body = client_for(org["admin"]).get(f"{API}/analytics/summary").json()
    # Alpha 3 + 22 interactions, Beta 1, Invoices 3 (each answer or invitation has its own)
    assert body == {
        "by_team": {str(team_alpha.pk): 25, str(team_beta.pk): 1, str(team_invoices.pk): 3}
    }
    outsider = client_for(org["outsider"]).get(f"{API}/analytics/summary").json()
    assert outsider == {"by_team": {str(team_invoices.pk): 3}}


def test_metrics_take_a_bounded_number_of_queries(
    admin: Person,
    agent: Person,
    team_alpha: Team,
    client_for: ClientFor,
    django_assert_max_num_queries: Any,
) -> None:
    data.answers(team_alpha, "csat", [4] * 60, at=timezone.now() - 3 * DAY, agent=agent)
    rollups.refresh_voice_rollups()
    client = client_for(admin)
    for endpoint in ENDPOINTS:
        with django_assert_max_num_queries(14):
            assert client.get(f"{API}/metrics/{endpoint}").status_code == 200
