"""The review queue: weekly samples, poor answers, new hires, even spread, idempotent runs."""

import datetime
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groundswell.core import registry
from groundswell.people.choices import Role
from groundswell.people.tests.factories import PersonFactory
from groundswell.quality import queue, selectors, services, tasks
from groundswell.quality.choices import QueueReason
from groundswell.quality.models import QueueItem
from groundswell.quality.tests.factories import QueueRuleFactory, resolved_interaction
from groundswell.voice.tests.factories import answers


@pytest.fixture
def second_agent(team_alpha):
    return PersonFactory.create(role=Role.AGENT, team=team_alpha, department=team_alpha.department)


def test_each_agent_gets_the_weekly_sample_and_nobody_reviews_their_own(
    team_alpha, team_lead, manager, agent, second_agent
):
    QueueRuleFactory.create(team=team_alpha, sample_per_agent=2, new_hire_extra=0)
    for person in (agent, second_agent, team_lead):
        for _ in range(4):
            resolved_interaction(team_alpha, person)

    added = queue.fill_review_queues()

    items = list(QueueItem.objects.select_related("agent", "reviewer"))
    assert added == len(items) == 6
    assert Counter(item.agent for item in items) == {agent: 2, second_agent: 2, team_lead: 2}
    assert all(item.reviewer != item.agent for item in items)
    # The lead's own work goes to the manager, who outranks them.
    assert {i.reviewer for i in items if i.agent == team_lead} == {manager}
    assert all(item.due_on == timezone.localdate() + datetime.timedelta(days=5) for item in items)


def test_work_is_spread_evenly_across_reviewers(
    team_alpha, team_lead, manager, agent, second_agent
):
    QueueRuleFactory.create(team=team_alpha, sample_per_agent=3, new_hire_extra=0)
    for person in (agent, second_agent):
        for _ in range(3):
            resolved_interaction(team_alpha, person)

    queue.fill_review_queues()

    assert Counter(QueueItem.objects.values_list("reviewer", flat=True)) == {
        team_lead.pk: 3,
        manager.pk: 3,
    }


def test_running_twice_adds_nothing_more(team_alpha, team_lead, agent):
    QueueRuleFactory.create(team=team_alpha, sample_per_agent=2)
    for _ in range(5):
        resolved_interaction(team_alpha, agent)

    first = queue.fill_review_queues()
    second = queue.fill_review_queues()

    assert (first, second) == (2, 0)
    assert QueueItem.objects.count() == 2


def test_every_poor_answer_is_queued(team_alpha, team_lead, agent):
    QueueRuleFactory.create(team=team_alpha, sample_per_agent=0)
    now = timezone.now() - datetime.timedelta(hours=1)
    poor = answers(team_alpha, "csat", [1, 2, 5], at=now, agent=agent)

    queue.fill_review_queues()

    queued = set(QueueItem.objects.values_list("interaction_id", "reason"))
    poor_ids = {r.invitation.interaction_id for r in poor if r.is_poor}
    assert queued == {(pk, QueueReason.POOR_ANSWER) for pk in poor_ids}
    assert len(poor_ids) == 2


def test_new_hires_get_extra_reviews(team_alpha, team_lead, agent):
    agent.hire_date = timezone.localdate() - datetime.timedelta(weeks=2)
    agent.save(update_fields=["hire_date"])
    QueueRuleFactory.create(team=team_alpha, sample_per_agent=1, new_hire_extra=2)
    for _ in range(5):
        resolved_interaction(team_alpha, agent)

    queue.fill_review_queues()

    assert list(QueueItem.objects.values_list("reason", flat=True)) == [QueueReason.NEW_HIRE] * 3


def test_granted_reviewer_takes_agents_work(team_alpha, manager, agent, other_agent):
    team_alpha.lead = None
    team_alpha.save(update_fields=["lead"])
    services.grant_reviewer(actor=manager, person=other_agent, team=team_alpha)
    QueueRuleFactory.create(team=team_alpha, sample_per_agent=4, new_hire_extra=0)
    for _ in range(4):
        resolved_interaction(team_alpha, agent)

    queue.fill_review_queues()

    assert Counter(QueueItem.objects.values_list("reviewer", flat=True)) == {
        manager.pk: 2,
        other_agent.pk: 2,
    }


def test_a_submitted_review_closes_its_queue_item_and_overdue_lists_the_rest(
    team_alpha, team_lead, agent, scorecard, score
):
    QueueRuleFactory.create(team=team_alpha, sample_per_agent=2, due_days=1)
    first, _second = (resolved_interaction(team_alpha, agent) for _ in range(2))
    queue.fill_review_queues()

    score(team_lead, first)

    assert QueueItem.objects.get(interaction=first).done_at is not None
    later = timezone.localdate() + datetime.timedelta(days=3)
    assert [i.interaction_id for i in selectors.list_overdue(team_lead, later)] == [_second.pk]
    with pytest.raises(PermissionDenied):
        selectors.list_overdue(agent, later)


def test_queue_rule_is_set_by_the_teams_lead(team_lead, team_alpha, team_beta):
    rule = services.set_queue_rule(actor=team_lead, team=team_alpha, sample_per_agent=3)

    assert rule.sample_per_agent == 3
    with pytest.raises(PermissionDenied):
        services.set_queue_rule(actor=team_lead, team=team_beta, sample_per_agent=3)
    with pytest.raises(ValidationError, match="sample_per_agent"):
        services.set_queue_rule(actor=team_lead, team=team_alpha, sample_per_agent=500)


def test_the_daily_job_is_registered_and_runs(team_alpha, team_lead, agent):
    QueueRuleFactory.create(team=team_alpha, sample_per_agent=1)
    resolved_interaction(team_alpha, agent)

    job = next(j for j in registry.periodic_jobs if j.name == "quality_fill_review_queue")
    assert job.task == tasks.fill_review_queues
    assert job.every == datetime.timedelta(days=1)
    assert tasks.fill_review_queues.call() == 1
