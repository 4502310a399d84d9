"""List pages read a fixed number of queries however many rows they show (no N+1)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groundswell.quality import queue, services
from groundswell.quality.tests.factories import QueueRuleFactory, criteria_of, resolved_interaction

PAGES = [
    "quality:home",
    "quality:review-list",
    "quality:queue",
    "quality:coaching-list",
    "quality:scorecard-list",
]


def _add_work(count, *, team, agent, lead, manager, scorecard, score):
    ownership = criteria_of(scorecard)["Takes ownership"]
    for _ in range(count):
        review = score(lead, resolved_interaction(team, agent), {"Takes ownership": 0})
        services.raise_dispute(actor=agent, review=review, criterion=ownership, reason="x")
        services.plan_coaching(
            actor=manager,
            agent=agent,
            focus_keys=[ownership.key],
            planned_for=timezone.now(),
            follow_up_on=timezone.localdate() + datetime.timedelta(days=7),
            reviews=[review],
        )
        resolved_interaction(team, agent)
    queue.fill_review_queues()


def _queries(client, name):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name)).status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["manager", "team_lead", "agent"])
def test_list_pages_read_the_same_number_of_queries_for_many_rows(
    viewer, org, client_for, team_alpha, scorecard, score, django_assert_max_num_queries
):
    work = {
        "team": team_alpha,
        "agent": org["agent"],
        "lead": org["team_lead"],
        "manager": org["manager"],
        "scorecard": scorecard,
        "score": score,
    }
    QueueRuleFactory.create(team=team_alpha, sample_per_agent=20)
    client = client_for(org[viewer])
    _add_work(2, **work)
    few = {name: _queries(client, name) for name in PAGES}

    _add_work(8, **work)

    for name in PAGES:
        with django_assert_max_num_queries(few[name]):
            assert client.get(reverse(name)).status_code == 200
        assert few[name] <= 20, name
