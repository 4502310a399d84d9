"""Background work for quality."""

from django.tasks import task

from groundswell.quality import queue


@task()
def fill_review_queues() -> int:
    """Pick this week's interactions to review for every team with a rule; returns items added."""
    return queue.fill_review_queues()
