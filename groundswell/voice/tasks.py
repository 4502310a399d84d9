"""Background work for customer surveys: sending invitations and opening follow-ups."""

from django.tasks import task

from groundswell.voice import emails, services


@task()
def send_invitation(invitation_id: int, token: str) -> bool:
    """Email a survey invitation; False when it was already sent, expired or opted out.

    The plain token is an argument because only its digest is stored: the task queue is
    trusted like the database (see docs/architecture.md, "Survey links").
    """
    return emails.send_invitation_email(invitation_id, token)


@task()
def open_follow_up(response_id: int) -> int | None:
    """Open the close-the-loop follow-up for a poor answer; returns its id."""
    follow_up = services.open_follow_up(response_id)
    return follow_up.pk if follow_up is not None else None
