"""Background work for quality."""

import datetime

from django.tasks import task

from groundswell.quality import queue, rollups


@task()
def fill_review_queues() -> int:
    """Pick this week's interactions to review for every team with a rule; returns items added."""
    return queue.fill_review_queues()


@task()
def refresh_quality_rollups_task(since: str | None = None) -> int:
    """Recompute the quality dashboard's weekly rollups (the lookback window by default)."""
    day = datetime.date.fromisoformat(since) if since else None
    return rollups.refresh_quality_rollups(since=day)


@task()
def refresh_quality_week_task(week: str, team_id: int) -> int:
    """Recompute one team's week after a review there was submitted or changed."""
    return rollups.refresh_week(datetime.date.fromisoformat(week), team_id)
