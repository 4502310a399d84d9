"""Large organisations: a results page shows a bounded number of teams and comments, so that
what it reads and draws does not grow with the organisation; exports and the API keep all."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from groundswell.people import forms as people_forms
from groundswell.people.tests.factories import DepartmentFactory, TeamFactory
from groundswell.pulse import forms, selectors, services, tally
from groundswell.pulse.choices import CampaignKind
from groundswell.pulse.models import Comment, Submission
from groundswell.pulse.tests.factories import add_submissions, fake_wave


@pytest.fixture
def many_teams(admin, monkeypatch):
    """Two departments of four teams each (eight teams: more than the lowered page size of
    three), 16 answers a team in North and 6 in South, and 60 comments in North."""
    monkeypatch.setattr(selectors, "TEAMS_AT_ONCE", 3)
    north = DepartmentFactory.create(name="North")
    south = DepartmentFactory.create(name="South")
    teams = {
        department: [
            TeamFactory.create(department=department, name=f"{department.name} {n}")
            for n in range(1, 5)
        ]
        for department in (north, south)
    }
    campaign = services.create_campaign(
        actor=admin,
        name="Big pulse",
        kind=CampaignKind.PULSE,
        departments=[north, south],
        elements=["training"],
    )
    wave = fake_wave(campaign)
    for department, department_teams in teams.items():
        for team in department_teams:
            add_submissions(wave, team, [[8, 4, 4, 4]] * (16 if department == north else 6))
    for n, submission in enumerate(Submission.objects.filter(department=north)[:60]):
        Comment.objects.create(submission=submission, text=f"comment {n:02d}")
    return campaign, north, south, teams


def _team_labels(results):
    return [group.label for group in results.groups if group.level == "team"]


def test_the_organisation_page_shows_departments_and_asks_for_one_to_see_teams(many_teams, admin):
    campaign, _north, _south, _teams = many_teams
    results = selectors.campaign_results(admin, campaign, page=1)
    assert _team_labels(results) == []
    assert [g.label for g in results.groups] == ["Whole organisation", "North", "South"]
    assert results.team_page is not None
    assert results.team_page.folded
    assert results.team_page.teams == 8


def test_a_department_page_shows_its_teams_a_page_at_a_time(many_teams, admin):
    campaign, north, _south, _teams = many_teams
    first = selectors.campaign_results(admin, campaign, department=north, page=1)
    second = selectors.campaign_results(admin, campaign, department=north, page=2)
    assert _team_labels(first) == ["North 1", "North 2", "North 3"]
    assert _team_labels(second) == ["North 4"]
    # The department itself heads every page.
    assert "North" in [g.label for g in second.groups]
    assert first.team_page is not None
    assert (first.team_page.number, first.team_page.pages, first.team_page.next) == (1, 2, 2)
    beyond = selectors.campaign_results(admin, campaign, department=north, page=9)
    assert beyond.team_page is not None
    assert beyond.team_page.number == 2  # past the end reads as the last page


def test_exports_and_the_api_still_carry_every_team(many_teams, admin, client_for):
    campaign, _north, _south, _teams = many_teams
    assert len(_team_labels(selectors.campaign_results(admin, campaign))) == 8
    response = client_for(admin).get(reverse("pulse:campaign-export", args=[campaign.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    named = {cell for row in rows for cell in row if cell.startswith(("North ", "South "))}
    assert named == {f"{side} {n}" for side in ("North", "South") for n in range(1, 5)}


def test_the_results_page_pages_teams_and_comments(many_teams, admin, client_for):
    campaign, north, _south, _teams = many_teams
    client = client_for(admin)
    url = reverse("pulse:campaign-detail", args=[campaign.pk])

    page = client.get(url).content.decode()
    assert 'id="teams-folded"' in page
    assert "North 1" not in page.split('id="heat"')[1].split("</section>")[0]

    department = client.get(url, {"department": north.pk}).content.decode()
    heat = department.split('id="heat"')[1].split("</section>")[0]
    assert "North 1" in heat
    assert "North 4" not in heat
    assert 'id="team-pages"' in department
    assert "page=2" in department
    # 60 comments: 50 on the first page, the other 10 on the second.
    assert department.count('class="pulse-comment"') == 50
    assert "comment 00" in department
    assert "comment 59" not in department
    later = client.get(url, {"department": north.pk, "comments": 2}).content.decode()
    assert later.count('class="pulse-comment"') == 10
    assert "comment 59" in later


def test_the_team_filter_lists_a_departments_teams_once_teams_are_many(many_teams, monkeypatch):
    campaign, north, _south, teams = many_teams
    monkeypatch.setattr(people_forms, "TEAM_CHOICES_AT_MOST", 3)
    none_chosen = forms.ResultsFilterForm({}, campaign=campaign)
    assert list(none_chosen.fields["team"].queryset) == []  # type: ignore[attr-defined]
    chosen = forms.ResultsFilterForm({"department": str(north.pk)}, campaign=campaign)
    assert set(chosen.fields["team"].queryset) == set(teams[north])  # type: ignore[attr-defined]
    # A team asked for by the query (a link from elsewhere) is still accepted.
    asked = forms.ResultsFilterForm({"team": str(teams[north][0].pk)}, campaign=campaign)
    assert asked.is_valid(), asked.errors
    assert asked.filters()["team"] == teams[north][0]


def test_a_recounted_tally_is_read_afresh_by_a_worker_that_kept_the_old_one(many_teams, admin):
    campaign, north, _south, teams = many_teams
    before = selectors.campaign_results(admin, campaign)
    assert before.groups[0].respondents == 88
    wave = campaign.waves.get()
    add_submissions(wave, teams[north][0], [[8, 4, 4, 4]] * 2)
    tally.store(wave)  # as a recount would
    after = selectors.campaign_results(admin, campaign)
    assert after.groups[0].respondents == 90
