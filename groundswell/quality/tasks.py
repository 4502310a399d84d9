"""Background work for quality."""

import datetime
import threading

from django.tasks import task
from django.utils import timezone

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


# Reviews submitted in one team and week close together share one refresh of that week. The
# first enqueues it to run REFRESH_DELAY later (when the task backend can defer: the database
# and RQ queues); the next ones, in this process, enqueue nothing while that refresh is still at
# least REFRESH_MARGIN away, since it will read what they committed. A backend that cannot
# defer (the immediate one of the tests) refreshes after every submit. The hourly
# `quality_refresh_rollups` job covers a refresh that was lost.
REFRESH_DELAY = datetime.timedelta(seconds=30)
REFRESH_MARGIN = datetime.timedelta(seconds=10)
_coming: dict[tuple[str, int], datetime.datetime] = {}
_coming_lock = threading.Lock()


def refresh_week_soon(week: str, team_id: int) -> None:
    """Have one team's week refreshed soon; call it once the change has committed."""
    refresh = refresh_quality_week_task
    if not refresh.get_backend().supports_defer:
        refresh.enqueue(week, team_id)
        return
    now = timezone.now()
    key = (week, team_id)
    runs = _coming.get(key)
    if runs is not None and now < runs - REFRESH_MARGIN:
        return
    runs = now + REFRESH_DELAY
    refresh.using(run_after=runs).enqueue(week, team_id)
    with _coming_lock:
        for gone in [k for k, at in _coming.items() if at < now]:
            del _coming[gone]
        _coming[key] = runs
