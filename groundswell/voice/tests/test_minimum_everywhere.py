"""One minimum for every read path: page, chart data, CSV, metrics API and answers API.

The same small data throughout: in team Alpha, Ada (`agent`) has 10 CSAT answers and Bea 9.
With the minimum at 10 every path hides Bea's scores and her answers one by one, and shows
Ada's; with the minimum at 9 (Bea exactly at it) every path shows both.
"""

import csv
import datetime
import io
import json
import re
from collections.abc import Callable

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from groundswell.desk.models import Interaction
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team
from groundswell.people.tests.factories import PersonFactory
from groundswell.voice.dashboard import rollups
from groundswell.voice.models import Response
from groundswell.voice.tests import factories as data

ClientFor = Callable[[Person], Client]
HIDDEN = "fewer than"


@pytest.fixture
def bea(team_alpha: Team) -> Person:
    return PersonFactory.create(
        role=Role.AGENT,
        team=team_alpha,
        department=team_alpha.department,
        email="bea@example.test",
        full_name="Bea Below",
        with_login=True,
    )


@pytest.fixture
def answered(agent: Person, bea: Person, team_alpha: Team) -> None:
    now = timezone.now() - datetime.timedelta(seconds=1)
    data.answers(team_alpha, "csat", [5, 4, 4, 5, 3, 4, 5, 4, 2, 5], at=now, agent=agent)
    data.answers(team_alpha, "csat", [1, 2, 1, 2, 1, 3, 1, 2, 1], at=now, agent=bea)
    rollups.refresh_voice_rollups()


def what_each_path_shows(client: Client, person: Person) -> dict[str, bool]:
    """Whether each read path shows `person`'s CSAT scores (or their answers one by one)."""
    page = client.get(reverse("voice_dashboard:dashboard"), {"weeks": 4})
    row = re.search(rf"<th scope=\"row\">{person.full_name}</th>(.*?)</tr>", page.text, re.S)
    assert row is not None
    page_csat = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)[1]  # after the count
    export = client.get(reverse("voice_dashboard:export", args=["agent"]), {"weeks": 4})
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    csv_row = next(line for line in lines if line[0] == person.full_name)
    metrics = client.get("/api/v1/metrics/by-agent", {"weeks": 4}).json()
    metrics_row = next(item for item in metrics if item["agent"] == person.pk)
    listed = client.get("/api/v1/responses", {"page_size": 100}).json()["items"]
    one = Response.objects.filter(agent=person).first()
    assert one is not None
    detail = client.get(f"/api/v1/responses/{one.pk}")
    interaction = Interaction.objects.get(invitations__response=one)
    timeline = client.get(interaction.get_absolute_url())
    return {
        "page": HIDDEN not in page_csat,
        "csv": HIDDEN not in csv_row[2],
        "metrics_api": metrics_row["csat"] is not None,
        "responses_api": any(item["agent_id"] == person.pk for item in listed),
        "response_detail": detail.status_code == 200,
        "interaction_timeline": "Customer answered" in timeline.text,
    }


def chart_data(client: Client) -> str:
    page = client.get(reverse("voice_dashboard:dashboard"), {"weeks": 4}).text
    scripts = re.findall(r'<script id="chart-[^"]+" type="application/json">(.*?)</script>', page)
    assert scripts
    return " ".join(json.dumps(json.loads(script)) for script in scripts)


@pytest.mark.usefixtures("answered")
@pytest.mark.parametrize("role", ["team_lead", "manager", "admin"])
def test_below_the_minimum_every_path_hides_the_agent(
    role: str, org: dict[str, Person], bea: Person, client_for: ClientFor
) -> None:
    client = client_for(org[role])

    assert set(what_each_path_shows(client, bea).values()) == {False}
    shown = what_each_path_shows(client, org["agent"])
    assert set(shown.values()) == {True}, shown


@pytest.mark.usefixtures("answered")
@override_settings(GROUNDSWELL_MIN_AGENT_RESPONSES=9)
@pytest.mark.parametrize("role", ["team_lead", "manager", "admin"])
def test_at_the_minimum_every_path_shows_the_agent(
    role: str, org: dict[str, Person], bea: Person, client_for: ClientFor
) -> None:
    client = client_for(org[role])

    assert set(what_each_path_shows(client, bea).values()) == {True}


@pytest.mark.usefixtures("answered")
def test_chart_data_names_no_agent(team_lead: Person, bea: Person, client_for: ClientFor) -> None:
    charts = chart_data(client_for(team_lead))

    assert "Bea" not in charts
    assert "Ada" not in charts
    assert str(bea.pk) not in re.findall(r'"agent[^"]*": (\d+)', charts)


@pytest.mark.usefixtures("answered")
def test_an_agent_reads_only_their_own_answers(
    agent: Person, bea: Person, client_for: ClientFor
) -> None:
    for person, other in ((agent, bea), (bea, agent)):
        client = client_for(person)
        listed = client.get("/api/v1/responses", {"page_size": 100}).json()["items"]
        theirs = Response.objects.filter(agent=other).first()
        assert theirs is not None

        assert {item["agent_id"] for item in listed} == {person.pk}
        assert len(listed) == Response.objects.filter(agent=person).count()
        assert client.get(f"/api/v1/responses/{theirs.pk}").status_code == 404
        interaction = Interaction.objects.get(invitations__response=theirs)
        assert "Customer answered" not in client.get(interaction.get_absolute_url()).text


@pytest.mark.usefixtures("answered")
@override_settings(GROUNDSWELL_MIN_AGENT_RESPONSES=1)
def test_an_agent_never_reads_a_colleagues_answers(
    agent: Person, bea: Person, client_for: ClientFor
) -> None:
    listed = client_for(agent).get("/api/v1/responses", {"page_size": 100}).json()["items"]

    assert {item["agent_id"] for item in listed} == {agent.pk}


def test_answers_about_no_agent_are_the_teams(
    team_alpha: Team, agent: Person, team_lead: Person, client_for: ClientFor
) -> None:
    data.answers(team_alpha, "csat", [4], at=timezone.now(), agent=None)

    for viewer in (agent, team_lead):
        listed = client_for(viewer).get("/api/v1/responses").json()["items"]
        assert [item["agent_id"] for item in listed] == [None]


@pytest.mark.usefixtures("answered")
def test_the_count_is_per_kind(
    team_alpha: Team, bea: Person, team_lead: Person, client_for: ClientFor
) -> None:
    """Ten answers of one kind do not lift another kind over the minimum."""
    data.answers(team_alpha, "nps", [9], at=timezone.now(), agent=bea)
    data.answers(team_alpha, "csat", [4], at=timezone.now(), agent=bea)

    listed = client_for(team_lead).get("/api/v1/responses", {"page_size": 100}).json()["items"]

    kinds = {item["kind"] for item in listed if item["agent_id"] == bea.pk}
    assert kinds == {"csat"}
