"""Background work for closing the loop: opening the follow-up of a poor answer, telling the
team's leads, and finishing what a dead worker left of either."""

from django.tasks import task

from groundswell.voice.follow_ups import emails, services


@task()
def open_follow_up(response_id: int) -> int | None:
    """Open the close-the-loop follow-up for a poor answer; returns its id."""
    follow_up = services.open_follow_up(response_id)
    return follow_up.pk if follow_up is not None else None


@task()
def notify_leads(follow_up_id: int) -> bool:
    """Email the team's leads that a follow-up opened; False when nothing went out."""
    return emails.send_lead_notice(follow_up_id)


@task()
def finish_stalled_follow_ups() -> dict[str, int]:
    """Enqueue again the openings and notices a dead worker lost; how many of each.

    A periodic job, every `SEND_LEASE_SECONDS` (voice/apps.py).
    """
    opened, told = services.finish_stalled_follow_ups()
    return {"follow_ups": opened, "notices": told}
