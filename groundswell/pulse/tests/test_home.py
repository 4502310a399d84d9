"""The pulse on home pages: a wave waiting for you, and participation as counts only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groundswell.pulse import home
from groundswell.pulse.tests.factories import answer_through_link, full_answers, launched, members

pytestmark = pytest.mark.django_db


def test_a_wave_waits_for_whoever_has_not_answered_it(org, team_alpha):
    campaign, _wave, tokens = launched(org["admin"], teams=[team_alpha])

    assert [w.wave.campaign.name for w in home.waves_waiting(org["agent"])] == ["Spring pulse"]
    assert home.waves_waiting(org["outsider"]) == []  # not invited

    answer_through_link(tokens[org["agent"].email], full_answers(campaign))

    assert home.waves_waiting(org["agent"]) == []
    assert len(home.waves_waiting(org["team_lead"])) == 1


def test_participation_is_counts_only_and_never_below_the_minimum(org, team_alpha, team_beta):
    members(team_alpha, 4)  # Alpha: six invited; Beta: one
    campaign, _wave, tokens = launched(org["admin"], teams=[team_alpha, team_beta])
    answer_through_link(tokens[org["agent"].email], full_answers(campaign))

    with CaptureQueriesContext(connection) as queries:
        waves = home.participation(org["manager"])

    teams = {row.team.name: row.turnout for row in waves[0].teams}
    assert (teams["Alpha"].answered, teams["Alpha"].invited) == (1, 6)
    assert round(teams["Alpha"].rate or 0) == 17
    assert teams["Beta"].rate is None  # one invited: too few to show
    assert (waves[0].overall.answered, waves[0].overall.invited) == (1, 7)
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    for answer_side in ("pulse_submission", "pulse_answer", "pulse_comment", "pulse_pending"):
        assert answer_side not in tables


def test_low_participation_makes_a_team_need_attention(org, team_alpha):
    members(team_alpha, 4)
    launched(org["admin"], teams=[team_alpha])

    needs = home.team_needs(org["manager"])

    assert [(need.team.name, need.reason) for need in needs] == [
        ("Alpha", "0% took part in Spring pulse (0 of 6)")
    ]
    assert home.team_needs(org["outsider"]) == []  # an agent sees no team's breakdown
