"""Background refresh of the customer-voice rollups; the scheduler enqueues it hourly."""

import datetime

from django.tasks import task

from groundswell.voice.dashboard import rollups


@task()
def refresh_voice_rollups_task(since: str | None = None) -> dict[str, int]:
    """Recompute the dashboard rollups from `since` (an ISO date) or from where they stopped."""
    day = datetime.date.fromisoformat(since) if since else None
    result = rollups.refresh_voice_rollups(since=day)
    return {
        "voice_rows": result.voice_rows,
        "service_rows": result.service_rows,
        "agent_rows": result.agent_rows,
    }
