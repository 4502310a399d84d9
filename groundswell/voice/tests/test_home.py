"""Customer voice on the home pages: trends with their n, falling CSAT, the company benchmark."""

import datetime

import pytest
from django.utils import timezone

from groundswell.voice import home
from groundswell.voice.dashboard.selectors import Figures
from groundswell.voice.invitations import services
from groundswell.voice.models import Response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation


def figures(**counts: int) -> Figures:
    """CSAT figures from `s5=3, s1=2` (three fives, two ones)."""
    result = Figures()
    for name, count in counts.items():
        result.scores["csat"][int(name[1:])] = count
    return result


def test_the_trend_sets_the_last_four_weeks_against_the_four_before():
    recent = figures(s5=8, s1=2)  # 80% satisfied, n 10
    eight_weeks = figures(s5=13, s1=7)  # so the four weeks before: 5 of 10, 50%

    trend = home._trend("csat", recent, eight_weeks)

    assert (trend.now.value, trend.now.n) == (80, 10)
    assert (trend.before.value, trend.before.n) == (50, 10)
    assert (trend.direction, trend.points) == ("up", 30)


def test_no_trend_is_drawn_from_a_handful_of_answers():
    trend = home._trend("csat", figures(s5=9), figures(s5=9, s1=3))

    assert trend.now.value == 100
    assert trend.change is None
    assert trend.direction == ""


def test_a_figure_below_the_minimum_keeps_its_n_and_shows_no_value():
    reading = home._csat({5: 2, 1: 1}, minimum=10)

    assert (reading.value, reading.n) == (None, 3)


def answer(team, agent, score, capture, *, weeks_ago=0):
    invitation, _token = make_invitation(
        make_interaction(team, customer=make_customer(), handled_by=agent)
    )
    with capture(execute=True):
        response = services.record_response(invitation, score=score)
    if weeks_ago:
        when = timezone.now() - datetime.timedelta(weeks=weeks_ago)
        Response.objects.filter(pk=response.pk).update(submitted_at=when)
    return response


@pytest.mark.django_db
def test_a_team_whose_csat_fell_needs_attention_in_its_managers_reach(
    org, team_alpha, team_invoices, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    for _ in range(10):
        answer(team_alpha, org["agent"], 5, capture, weeks_ago=5)
        answer(team_alpha, org["agent"], 5 if _ < 5 else 3, capture)
        answer(team_invoices, org["outsider"], 5, capture, weeks_ago=5)
        answer(team_invoices, org["outsider"], 1, capture)

    manager_needs = home.team_needs(org["manager"])
    executive_needs = home.team_needs(org["executive"])

    falling = [need for need in manager_needs if "CSAT" in need.reason]
    assert [need.team.name for need in falling] == ["Alpha"]
    assert falling[0].reason == "CSAT down 50 points to 50% (n = 10)"
    assert "team=" in falling[0].url
    assert {need.team.name for need in executive_needs if "CSAT" in need.reason} == {
        "Alpha",
        "Invoices",
    }
    lead_needs = home.team_needs(org["team_lead"])
    assert {need.team.name for need in lead_needs} == {"Alpha"}  # their own team only


@pytest.mark.django_db
def test_the_company_figure_counts_every_team(
    org, team_alpha, team_invoices, django_capture_on_commit_callbacks
):
    answer(team_alpha, org["agent"], 5, django_capture_on_commit_callbacks)
    answer(team_invoices, org["outsider"], 1, django_capture_on_commit_callbacks)

    voice = home.team_voice(org["team_lead"])

    assert voice is not None
    assert (voice.csat.now.n, voice.csat.now.value) == (1, 100)  # Alpha's own
    assert (voice.company_csat.n, voice.company_csat.value) == (2, 50)


@pytest.mark.django_db
def test_an_agents_figures_are_their_own(
    org, team_alpha, settings, django_capture_on_commit_callbacks
):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 1
    answer(team_alpha, org["agent"], 5, django_capture_on_commit_callbacks)
    answer(team_alpha, org["team_lead"], 1, django_capture_on_commit_callbacks)

    voice = home.my_voice(org["agent"])

    assert voice is not None
    assert (voice.csat.now.n, voice.csat.now.value) == (1, 100)
    assert voice.follow_ups == []  # the poor answer is about someone else
