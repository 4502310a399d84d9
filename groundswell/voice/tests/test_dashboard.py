"""The customer-voice dashboard per role, its filters, agent suppression, CSV and query counts."""

import csv
import datetime
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES
from groundswell.people.models import Person, Team
from groundswell.voice.dashboard import rollups
from groundswell.voice.tests import factories as data

URL = reverse("voice_dashboard:dashboard")
DAY = datetime.timedelta(days=1)
ClientFor = Callable[[Person], Client]


@pytest.fixture
def answered(
    org: dict[str, Person], team_alpha: Team, team_beta: Team, team_invoices: Team
) -> None:
    """Alpha: 12 CSAT answers about `agent` (9 favourable); Beta: 3 about `other_agent`;
    Invoices: 2 about `outsider`. Some yesterday, some today."""
    now = timezone.now() - datetime.timedelta(seconds=1)
    scores = [5, 5, 4, 4, 5, 4, 5, 4, 4, 2, 1, 3]
    data.answers(team_alpha, "csat", scores[:6], at=now - 2 * DAY, agent=org["agent"])
    data.answers(team_alpha, "csat", scores[6:], at=now, agent=org["agent"], unanswered=4)
    data.answers(team_beta, "csat", [1, 2, 5], at=now - 2 * DAY, agent=org["other_agent"])
    data.answers(team_invoices, "nps", [10, 0], at=now, agent=org["outsider"], channel="phone")
    rollups.refresh_voice_rollups()


EXPECTED_TEAMS = {
    "agent": ["Alpha"],
    "team_lead": ["Alpha"],
    "manager": ["Alpha", "Beta"],
    "executive": ["Alpha", "Beta", "Invoices"],
    "admin": ["Alpha", "Beta", "Invoices"],
    "outsider": ["Invoices"],
}
EXPECTED_AGENTS = {
    "agent": ["Ada Agent"],
    "team_lead": ["Ada Agent"],
    "manager": ["Ada Agent", "Ben Beta"],
    "executive": ["Ada Agent", "Ben Beta", "Otto Outsider"],
    "admin": ["Ada Agent", "Ben Beta", "Otto Outsider"],
    "outsider": ["Otto Outsider"],
}


@pytest.mark.usefixtures("answered")
@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_each_role_sees_the_teams_in_its_scope(
    role: str, org: dict[str, Person], client_for: ClientFor
) -> None:
    response = client_for(org[role]).get(URL)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert [row.team.name for row in figures.by_team] == EXPECTED_TEAMS[role]
    assert [row.agent.full_name for row in figures.by_agent] == EXPECTED_AGENTS[role]
    assert 'data-chart="line"' in response.text
    assert "<script>" not in response.text.replace('type="application/json"', "")


def test_anonymous_visitors_go_to_the_login_page(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.usefixtures("answered")
def test_headline_figures(admin: Person, client_for: ClientFor, team_alpha: Team) -> None:
    response = client_for(admin).get(URL, {"team": team_alpha.pk, "weeks": 4})
    summary = response.context["figures"].summary
    # 12 answers of 16 invitations sent = 75%; 9 of 12 scored 4 or 5 = 75%
    assert summary.responses == 12
    assert summary.response_rate == 75.0
    assert summary.csat.favourable == 75.0
    assert "75%" in response.text


@pytest.mark.usefixtures("answered")
def test_a_team_outside_the_scope_is_ignored_as_a_filter(
    outsider: Person, client_for: ClientFor, team_alpha: Team
) -> None:
    response = client_for(outsider).get(URL, {"team": team_alpha.pk})
    assert response.status_code == 200
    assert [row.team.name for row in response.context["figures"].by_team] == ["Invoices"]


@pytest.mark.usefixtures("answered")
def test_channel_filter(admin: Person, client_for: ClientFor) -> None:
    response = client_for(admin).get(URL, {"channel": "phone"})
    figures = response.context["figures"]
    assert [row.team.name for row in figures.by_team] == ["Invoices"]
    assert figures.summary.nps.score == 0.0  # one promoter, one detractor


@pytest.mark.usefixtures("answered")
def test_htmx_filter_change_gets_only_the_body(admin: Person, client_for: ClientFor) -> None:
    response = client_for(admin).get(URL, {"weeks": 52}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="chart-trends"' in response.text
    assert len(response.context["figures"].by_week) == 52


@pytest.mark.usefixtures("answered")
def test_agent_scores_are_hidden_below_the_minimum(manager: Person, client_for: ClientFor) -> None:
    response = client_for(manager).get(URL)
    rows = {row.agent.full_name: row for row in response.context["figures"].by_agent}
    assert rows["Ada Agent"].csat is not None  # 12 answers
    assert rows["Ben Beta"].csat is None  # 3 answers
    assert rows["Ben Beta"].is_suppressed
    assert "fewer than 10 answers" in response.text


@pytest.mark.usefixtures("answered")
@override_settings(GROUNDSWELL_MIN_AGENT_RESPONSES=3)
def test_the_minimum_is_a_setting(manager: Person, client_for: ClientFor) -> None:
    response = client_for(manager).get(URL)
    rows = {row.agent.full_name: row for row in response.context["figures"].by_agent}
    assert rows["Ben Beta"].csat is not None


@pytest.mark.usefixtures("answered")
@pytest.mark.parametrize("table", ["team", "agent", "channel", "week"])
def test_csv_export_of_each_table(table: str, manager: Person, client_for: ClientFor) -> None:
    url = reverse("voice_dashboard:export", args=[table])
    response = client_for(manager).get(url, {"weeks": 4})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) > 1
    if table == "agent":
        assert rows[1:] == [
            ["Ada Agent", "12", "75.0", "3.83", "fewer than 10 answers", "fewer than 10 answers"],
            ["Ben Beta", "3", *["fewer than 10 answers"] * 4],
        ]
    if table == "team":
        assert [row[0] for row in rows[1:]] == [
            "Alpha (Customer Service)",
            "Beta (Customer Service)",
        ]
    if table == "week":
        assert len(rows) == 5


def test_unknown_export_is_not_found(admin: Person, client_for: ClientFor) -> None:
    assert client_for(admin).get("/voice/dashboard/by-nonsense.csv").status_code == 404


def test_dashboard_shows_dashes_without_data(admin: Person, client_for: ClientFor) -> None:
    response = client_for(admin).get(URL)
    assert response.status_code == 200
    assert "no answers yet" in response.text


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_answers(
    team_lead: Person, agent: Person, team_alpha: Team, client_for: ClientFor
) -> None:
    client = client_for(team_lead)
    now = timezone.now() - datetime.timedelta(seconds=1)
    data.answers(team_alpha, "csat", [5] * 10, at=now - 3 * DAY, agent=agent)
    data.answers(team_alpha, "nps", [9] * 5, at=now, agent=agent)
    rollups.refresh_voice_rollups()
    few = _queries(client)
    data.answers(team_alpha, "csat", [4, 2] * 50, at=now - 10 * DAY, agent=agent)
    data.answers(team_alpha, "ces", [3] * 50, at=now - 20 * DAY, agent=agent, channel="chat")
    data.answers(team_alpha, "nps", [10] * 35, at=now, agent=agent)
    rollups.refresh_voice_rollups()
    assert _queries(client) == few
    assert few <= 30


def test_period_select_shows_the_default_period_in_use(manager, client_for):
    from groundswell.voice.dashboard.selectors import DEFAULT_WEEKS

    response = client_for(manager).get(reverse("voice_dashboard:dashboard"))

    assert f'<option value="{DEFAULT_WEEKS}" selected>' in response.text
