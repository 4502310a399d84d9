"""The dashboard's CSV exports through the safe writer: hostile names, empties and numbers."""

import csv
import datetime
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groundswell.core.tests.hostile import HOSTILE
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team
from groundswell.people.tests.factories import PersonFactory
from groundswell.voice.dashboard import rollups
from groundswell.voice.tests import factories as data

ClientFor = Callable[[Person], Client]


def export(client: Client, table: str) -> list[list[str]]:
    response = client.get(reverse("voice_dashboard:export", args=[table]), {"weeks": 4})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def hostile_agents(team_alpha: Team) -> list[Person]:
    """One agent of Alpha per hostile name, each with 10 NPS answers (a score of -60)."""
    now = timezone.now() - datetime.timedelta(seconds=1)
    agents = []
    for number, name in enumerate(HOSTILE):
        agent = PersonFactory.create(
            role=Role.AGENT,
            team=team_alpha,
            department=team_alpha.department,
            email=f"hostile{number}@example.test",
            full_name=name,
        )
        data.answers(team_alpha, "nps", [0] * 7 + [10] * 3, at=now, agent=agent)
        agents.append(agent)
    rollups.refresh_voice_rollups()
    return agents


def test_by_agent_csv_neutralises_names_and_keeps_figures_numbers(
    hostile_agents: list[Person], manager: Person, client_for: ClientFor
) -> None:
    rows = export(client_for(manager), "agent")

    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert set(by_name) == {"'" + name for name in HOSTILE}
    for cells in by_name.values():
        answers, csat_favourable, csat_mean, nps, ces = cells
        assert answers == "10"
        assert nps == "-40.0"  # a negative number stays a number: no quote
        assert csat_favourable == csat_mean == ces == "fewer than 10 answers"


def test_by_agent_csv_writes_negative_scores_unquoted(
    hostile_agents: list[Person], manager: Person, client_for: ClientFor
) -> None:
    response = client_for(manager).get(
        reverse("voice_dashboard:export", args=["agent"]), {"weeks": 4}
    )

    assert ",-40.0," in response.content.decode()
    assert "'-40" not in response.content.decode()


def test_by_team_csv_leaves_missing_figures_empty(
    hostile_agents: list[Person], team_alpha: Team, manager: Person, client_for: ClientFor
) -> None:
    team_alpha.name = "=cmd|' /C calc'!A0"
    team_alpha.save(update_fields=["name"])

    header, alpha = export(client_for(manager), "team")[:2]

    row = dict(zip(header, alpha, strict=True))
    assert row["Team"] == "'=cmd|' /C calc'!A0 (Customer Service)"
    assert row["Answers"] == "60"
    assert row["NPS"] == "-40.0"
    assert row["CSAT mean"] == ""  # no CSAT answers: an empty cell, not a quote
    assert row["Kept promises (%)"] == ""
