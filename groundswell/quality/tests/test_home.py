"""The quality panel of the home page: reviews of my work to read, reviews waiting for me."""

import datetime

from django.urls import reverse
from django.utils import timezone

from groundswell.quality import queue
from groundswell.quality.models import QueueItem
from groundswell.quality.tests.factories import QueueRuleFactory, resolved_interaction


def test_agent_is_told_of_a_review_to_read(agent, team_lead, interaction, score, client_for):
    score(team_lead, interaction)

    page = client_for(agent).get(reverse("site:home")).text

    assert "1 review of your work to read" in page


def test_reviewer_is_told_of_the_queue_and_what_is_overdue(
    team_lead, agent, team_alpha, client_for
):
    QueueRuleFactory.create(team=team_alpha, sample_per_agent=2)
    for _ in range(2):
        resolved_interaction(team_alpha, agent)
    queue.fill_review_queues()
    QueueItem.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=1))

    page = client_for(team_lead).get(reverse("site:home")).text

    assert "2 interactions wait for your review" in page
    assert "2 overdue" in page


def test_an_empty_quality_panel_says_so(agent, client_for):
    page = client_for(agent).get(reverse("site:home")).text

    assert "No review to read and none waiting for you." in page
