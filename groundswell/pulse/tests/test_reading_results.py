"""What a results page tells its reader: strongest and weakest, why a group is missing,
and what a reliability figure means (and who is shown it)."""

import pytest
from django.urls import reverse

from groundswell.people.tests.factories import TeamFactory
from groundswell.pulse import ranking, selectors
from groundswell.pulse.selectors import Measure, Reliability, Score
from groundswell.pulse.tests.published import by_element, campaign_for, closed_wave, stored

ROLES = ("agent", "team_lead", "manager", "executive", "admin")


def scored(*means: float) -> list[tuple[Measure, Score]]:
    return [(Measure(f"m{i}", f"Element {i}"), Score(mean, 50.0)) for i, mean in enumerate(means)]


def codes(pairs: list[tuple[Measure, Score]]) -> list[str]:
    return [measure.code for measure, _score in pairs]


# --- Strongest and weakest ----------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 3, 4, 5, 6, 7, 9])
def test_no_element_is_named_both_strongest_and_weakest(count):
    standing = ranking.strongest_and_weakest(scored(*[1 + i * 0.4 for i in range(count)]))

    assert not set(codes(standing.strongest)) & set(codes(standing.weakest))
    assert 1 <= len(standing.strongest) <= 3
    assert len(standing.strongest) == len(standing.weakest)
    assert standing.note == ""


def test_strongest_come_first_and_weakest_come_first_too():
    standing = ranking.strongest_and_weakest(scored(3.0, 4.5, 2.0, 4.0, 2.5, 3.5))

    assert codes(standing.strongest) == ["m1", "m3", "m5"]
    assert codes(standing.weakest) == ["m2", "m4", "m0"]


def test_a_single_element_is_neither_and_the_page_says_why():
    standing = ranking.strongest_and_weakest(scored(3.2))

    assert standing.strongest == standing.weakest == []
    assert standing.note == (
        "Only one element was asked about, so none is named strongest or weakest."
    )


def test_elements_that_all_scored_the_same_are_neither():
    standing = ranking.strongest_and_weakest(scored(3.5, 3.5, 3.501))

    assert standing.strongest == standing.weakest == []
    assert "Every element scored the same" in standing.note


def test_tied_elements_land_on_the_same_side_or_on_none():
    # 4.0 and 4.0 tie at the top; 3.0 and 3.0 in the middle would be split across the lists.
    standing = ranking.strongest_and_weakest(scored(4.0, 4.0, 3.0, 3.0, 2.0))

    assert codes(standing.strongest) == ["m0", "m1"]
    assert codes(standing.weakest) == ["m4"]
    assert "same score" in standing.note


def test_results_page_of_a_one_element_pulse_names_it_once_with_the_reason(
    org, client_for, manager, team_alpha, customer_service
):
    campaign = campaign_for(manager, departments=[customer_service], elements=["training"])
    wave = closed_wave(campaign)
    stored(wave, 6, department=customer_service, team=team_alpha)

    content = client_for(org["agent"]).get(campaign.get_absolute_url()).content.decode()

    assert "Strong: Training" not in content
    assert "Weak: Training" not in content
    assert "Only one element was asked about" in content


def test_results_name_the_strong_and_the_weak_element_apart(
    org, manager, customer_service, team_alpha
):
    campaign = campaign_for(manager, departments=[customer_service])
    stored(
        closed_wave(campaign),
        6,
        department=customer_service,
        team=team_alpha,
        value=by_element({"management": 5, "training": 2}),
    )

    results = selectors.campaign_results(org["agent"], campaign)

    assert codes(results.strongest) == ["management"]
    assert codes(results.weakest) == ["training"]


# --- Why a group is not shown ------------------------------------------------------------------


@pytest.fixture
def alpha_folded(org, manager, customer_service, team_alpha):
    """Customer Service answers: Gamma 6 on its own; Alpha and Beta too few, so their 5 answers
    were stored in the department's "no team or a small team" group."""
    gamma = TeamFactory.create(department=customer_service, name="Gamma", slug="cs-gamma")
    campaign = campaign_for(manager, departments=[customer_service])
    wave = closed_wave(campaign)
    stored(wave, 6, department=customer_service, team=gamma)
    stored(wave, 5, department=customer_service, team=None)
    return campaign


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_told_why_the_alpha_team_is_not_shown(alpha_folded, org, client_for, role):
    content = client_for(org[role]).get(alpha_folded.get_absolute_url()).content.decode()

    section = content.split('id="not-shown"')[1].split("</section>")[0]
    own = role in {"agent", "team_lead"}
    name = "Your team (Alpha)" if own else "Alpha"
    assert f"{name} is not shown on its own: fewer than 5 of its people answered" in section
    assert "“Customer Service (no team or a small team)”" in section
    assert "Gamma" not in section  # shown, so nothing to explain


def test_notes_reach_only_the_teams_in_a_readers_reach(alpha_folded, org):
    agent_notes = selectors.campaign_results(org["agent"], alpha_folded).suppression_notes
    manager_notes = selectors.campaign_results(org["manager"], alpha_folded).suppression_notes
    outsider_notes = selectors.campaign_results(org["outsider"], alpha_folded).suppression_notes

    assert len(agent_notes) == 1
    assert [note.split(" is ")[0] for note in manager_notes] == ["Alpha", "Beta"]
    assert outsider_notes == []  # Invoices was not asked


def test_a_stored_group_under_the_minimum_is_explained_without_its_count(
    org, admin, customer_service, team_alpha, team_beta, client_for
):
    campaign = campaign_for(admin, departments=[customer_service])
    wave = closed_wave(campaign)
    stored(wave, 10, department=customer_service, team=team_alpha)
    stored(wave, 2, department=customer_service, team=team_beta)

    notes = selectors.campaign_results(org["manager"], campaign).suppression_notes
    api = client_for(org["team_lead"]).get(f"/api/v1/pulse/campaigns/{campaign.pk}/results")

    assert notes == [
        "Alpha is not shown: taken away from the figures shown for the group above it, its "
        "own would give away a smaller group's answers.",
        "Beta is not shown: fewer than 5 of its people answered, and figures for so few "
        "could point at one of them.",
    ]
    assert not any(str(count) in note for note in notes for count in (2, 10, 12))
    assert api.json()["suppression_notes"] == [notes[0].replace("Alpha", "Your team (Alpha)", 1)]


def test_a_wave_with_too_few_answers_says_so_to_everyone(org, manager, customer_service):
    campaign = campaign_for(manager, departments=[customer_service])
    stored(closed_wave(campaign), 3, department=None)

    for role in ROLES:
        notes = selectors.campaign_results(org[role], campaign).suppression_notes
        assert notes == [
            "Fewer than 5 people answered this wave, so none of its results are shown: any "
            "figure would point at the few who did."
        ]


# --- Reliability -------------------------------------------------------------------------------


def test_reliability_says_in_words_what_the_figure_means():
    measure = Measure("training", "Training")

    assert Reliability(measure, 0.82, 40, 3).meaning == (
        "Answers to this element's questions agree well, so its score is dependable."
    )
    assert "read its score with care" in Reliability(measure, 0.55, 40, 3).meaning
    assert "Too few complete answers" in Reliability(measure, None, 4, 3).meaning


@pytest.fixture
def department_campaign(manager, customer_service, team_alpha):
    campaign = campaign_for(manager, departments=[customer_service])
    stored(closed_wave(campaign), 6, department=customer_service, team=team_alpha)
    return campaign


@pytest.mark.parametrize(
    ("role", "shown"),
    [("agent", False), ("team_lead", False), ("manager", True), ("executive", True),
     ("admin", True), ("outsider", False)],
)  # fmt: skip
def test_reliability_is_shown_only_to_those_who_analyse_results(
    department_campaign, org, client_for, role, shown
):
    client = client_for(org[role])
    content = client.get(department_campaign.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/pulse/campaigns/{department_campaign.pk}/results").json()

    assert ('id="reliability"' in content) is shown
    assert ("What it means" in content) is shown
    assert bool(api["reliability"]) is shown
    if shown:
        assert api["reliability"][0]["meaning"]


def test_a_manager_does_not_analyse_an_organisation_wide_campaign(
    org, admin, customer_service, team_alpha
):
    campaign = campaign_for(admin, departments=[customer_service])
    stored(closed_wave(campaign), 6, department=customer_service, team=team_alpha)

    assert not selectors.campaign_results(org["manager"], campaign).reliability
    assert selectors.campaign_results(org["executive"], campaign).reliability


def test_results_page_still_loads_with_few_queries(
    alpha_folded, org, client_for, django_assert_max_num_queries
):
    client = client_for(org["manager"])
    url = reverse("pulse:campaign-detail", args=[alpha_folded.pk])
    with django_assert_max_num_queries(45):
        assert client.get(url).status_code == 200
