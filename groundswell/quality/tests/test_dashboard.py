"""The quality dashboard: rollups refreshed by a periodic job and on submit, figures with n,
cells under the minimum hidden, each role reading only its reach."""

import pytest
from django.urls import reverse

from groundswell.core import registry
from groundswell.quality import dashboard, rollups, services
from groundswell.quality.models import WeeklyCriterionRollup, WeeklyQualityRollup
from groundswell.quality.tests.factories import criteria_of, resolved_interaction


@pytest.fixture
def minimum(settings):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 2
    return 2


@pytest.fixture
def worked(team_alpha, team_beta, agent, other_agent, team_lead, manager, score, scorecard):
    """Agent: three interactions today, two reviewed by the lead (100 and a failed one), one
    of them disputed. Ben (team beta): two interactions, both reviewed by the manager."""
    mine = [resolved_interaction(team_alpha, agent, days_ago=0) for _ in range(3)]
    first = score(team_lead, mine[0])
    second = score(team_lead, mine[1], {"Checks the customer is satisfied": 0})
    services.raise_dispute(
        actor=agent,
        review=second,
        criterion=criteria_of(scorecard)["Checks the customer is satisfied"],
        reason="I did check.",
    )
    theirs = [resolved_interaction(team_beta, other_agent, days_ago=0) for _ in range(2)]
    for interaction in theirs:
        score(manager, interaction)
    rollups.refresh_quality_rollups()
    return first, second


def line(lines, label):
    return next(item for item in lines if item.label == label)


def test_figures_from_the_rollups(worked, minimum, manager, agent, team_alpha):
    page = dashboard.quality_dashboard(manager)

    ada = line(page.by_agent, agent.full_name)
    assert ada.reviews == 2
    assert ada.score.value == 50.0  # 100 and a critical fail (0)
    assert ada.coverage.value == pytest.approx(66.7)
    assert ada.coverage.n == 3
    assert ada.dispute_rate.value == 50.0
    alpha = line(page.by_team, team_alpha.name)
    assert alpha.reviews == 2
    assert page.total.reviews == 4
    assert page.total.coverage.value == pytest.approx(80.0)
    ownership = next(c for c in page.by_criterion if c.label == "Takes ownership")
    assert ownership.met.value == 100.0
    assert ownership.met.n == 4


def test_cells_under_the_minimum_are_hidden_with_their_n(worked, settings, manager, agent):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 3

    ada = line(dashboard.quality_dashboard(manager).by_agent, agent.full_name)

    assert ada.score.value is None
    assert ada.score.hidden
    assert ada.score.n == 2
    assert ada.coverage.value is not None  # three interactions: at the minimum


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        ("agent", ["Ada Agent"], ["Ben Beta"]),
        ("other_agent", ["Ben Beta"], ["Ada Agent"]),
        ("team_lead", ["Ada Agent"], ["Ben Beta"]),
        ("manager", ["Ada Agent", "Ben Beta"], []),
        ("executive", ["Ada Agent", "Ben Beta"], []),
        ("admin", ["Ada Agent", "Ben Beta"], []),
        ("outsider", [], ["Ada Agent", "Ben Beta"]),
    ],
)
def test_dashboard_page_per_role(role, sees, does_not_see, org, worked, minimum, client_for):
    response = client_for(org[role]).get(reverse("quality:dashboard"))

    assert response.status_code == 200
    for name in sees:
        assert name in response.text
    for name in does_not_see:
        assert name not in response.text


def test_a_team_outside_reach_is_refused(worked, agent, team_beta, client_for):
    url = reverse("quality:dashboard") + f"?team={team_beta.pk}"

    assert client_for(agent).get(url).status_code == 403


def test_a_team_in_reach_narrows_the_page(worked, minimum, manager, team_beta, client_for):
    response = client_for(manager).get(reverse("quality:dashboard") + f"?team={team_beta.pk}")

    assert response.status_code == 200
    assert "Ben Beta" in response.text
    assert "Ada Agent" not in response.text


def test_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("quality:dashboard"))

    assert response.status_code == 302


def test_refresh_is_a_registered_periodic_job_and_idempotent(worked):
    job = next(j for j in registry.periodic_jobs if j.name == "quality_refresh_rollups")
    before = (WeeklyQualityRollup.objects.count(), WeeklyCriterionRollup.objects.count())

    job.task.call()
    rollups.refresh_quality_rollups()

    assert (WeeklyQualityRollup.objects.count(), WeeklyCriterionRollup.objects.count()) == before


def test_a_submitted_review_refreshes_its_week(
    team_alpha, agent, team_lead, score, minimum, django_capture_on_commit_callbacks
):
    interaction = resolved_interaction(team_alpha, agent, days_ago=0)

    with django_capture_on_commit_callbacks(execute=True):
        score(team_lead, interaction)

    row = WeeklyQualityRollup.objects.get(agent=agent)
    assert row.reviews == 1
    assert row.interactions == 1
    assert row.score_sum == 100.0


def test_calibration_agreement_over_time(
    manager, agent, scorecard, team_lead, other_agent, team_alpha
):
    from groundswell.quality import calibration as calibrations
    from groundswell.quality.tests.test_calibration import LEAD, OTHER, score_all

    contacts = [resolved_interaction(team_alpha, agent, days_ago=day) for day in (1, 2, 3)]
    exercise = calibrations.create_calibration(
        actor=manager,
        name="Agreement",
        version=scorecard.versions.get(),
        interactions=contacts,
        reviewers=[team_lead, other_agent],
    )
    score_all(exercise, team_lead, LEAD, scorecard)
    score_all(exercise, other_agent, OTHER, scorecard)

    points = dashboard.quality_dashboard(manager).agreement
    assert [p.calibration.pk for p in points] == [exercise.pk]
    assert points[0].alpha is not None
    assert dashboard.quality_dashboard(agent).agreement == []


def test_an_agent_row_narrows_the_page_to_their_weeks(worked, minimum, manager, agent, client_for):
    page = client_for(manager).get(reverse("quality:dashboard"))
    assert f"?agent={agent.pk}&amp;period=12" in page.text

    narrowed = client_for(manager).get(reverse("quality:dashboard") + f"?agent={agent.pk}")

    assert narrowed.status_code == 200
    assert f"Only the work of {agent.full_name}" in narrowed.text
    assert "Ben Beta" not in narrowed.text
    assert 'name="agent"' in narrowed.text  # the period form keeps the choice


def test_an_agent_cannot_narrow_to_a_colleague(worked, agent, other_agent, client_for):
    url = reverse("quality:dashboard") + f"?agent={other_agent.pk}"

    assert client_for(agent).get(url).status_code == 403


def test_the_dashboard_reads_a_fixed_number_of_queries(
    worked, manager, team_alpha, agent, team_lead, score, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        dashboard.quality_dashboard(manager)
    for _ in range(5):
        score(team_lead, resolved_interaction(team_alpha, agent, days_ago=1))
    rollups.refresh_quality_rollups()

    with django_assert_max_num_queries(len(few)):
        page = dashboard.quality_dashboard(manager)
    assert page.total.reviews == 9


def test_the_page_shows_each_figure_with_its_n_hidden_or_a_dash(
    worked, settings, manager, agent, client_for
):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 3

    text = client_for(manager).get(reverse("quality:dashboard")).text

    row = text[text.index(agent.full_name) :].split("</tr>")[0]
    # Ada's two reviews are under the minimum; her three interactions are not.
    assert '<span class="muted" title="Hidden: too few to judge fairly">' in row
    assert "hidden (n=2, under 3)" in row
    assert '% <span class="muted">n=3</span></td>' in row
    assert "<td>—</td>" in text  # a week with nothing in it


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "executive"])
@pytest.mark.parametrize("narrow", [None, "agent", "team"])
def test_the_dashboard_reads_four_statements_whatever_the_data(
    role, narrow, org, team_alpha, agent, team_lead, score, django_assert_num_queries
):
    """By week, by team and agent, by criterion (the team rollups and the viewer's own rows
    in one statement), the calibrations: four, with no data and with more of it."""
    viewer = org[role]
    narrowed = {"agent": agent} if narrow == "agent" else {}
    if narrow == "team":
        narrowed = {"team": team_alpha}
    with django_assert_num_queries(4):
        dashboard.quality_dashboard(viewer, **narrowed)
    for days_ago in (1, 8, 15):
        score(team_lead, resolved_interaction(team_alpha, agent, days_ago=days_ago))
    rollups.refresh_quality_rollups()

    with django_assert_num_queries(4):
        page = dashboard.quality_dashboard(viewer, **narrowed)
    assert page.total.reviews == 3
