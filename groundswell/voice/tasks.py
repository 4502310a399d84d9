"""Background work for customer surveys: sending invitations and opening follow-ups."""

from django.tasks import task

from groundswell.voice import emails, services


@task()
def send_invitation(invitation_id: int) -> bool:
    """Email a survey invitation; False when it was already sent, expired or opted out.

    Only the id is an argument: the link's token is made while sending, so the queue's stored
    arguments never hold a working link (see docs/architecture.md, "Survey links").
    """
    return emails.send_invitation_email(invitation_id)


@task()
def open_follow_up(response_id: int) -> int | None:
    """Open the close-the-loop follow-up for a poor answer; returns its id."""
    follow_up = services.open_follow_up(response_id)
    return follow_up.pk if follow_up is not None else None
