"""Background work for asking customers: sending survey invitations."""

from django.tasks import task

from groundswell.voice.invitations import emails


@task()
def send_invitation(invitation_id: int) -> bool:
    """Email a survey invitation; False when it was already sent, expired or opted out.

    Only the id is an argument: the link's token is made while sending, so the queue's stored
    arguments never hold a working link (see docs/architecture.md, "Survey links").
    """
    return emails.send_invitation_email(invitation_id)
