"""Background work for closing the loop: opening the follow-up of a poor answer."""

from django.tasks import task

from groundswell.voice.follow_ups import services


@task()
def open_follow_up(response_id: int) -> int | None:
    """Open the close-the-loop follow-up for a poor answer; returns its id."""
    follow_up = services.open_follow_up(response_id)
    return follow_up.pk if follow_up is not None else None
