"""Background work for asking customers: sending survey invitations, resending lost ones."""

from django.tasks import task

from groundswell.voice.invitations import emails, services


@task()
def send_invitation(invitation_id: int) -> bool:
    """Email a survey invitation; False when it was already sent, expired or opted out.

    Only the id is an argument: the link's token is made while sending, so the queue's stored
    arguments never hold a working link (see docs/architecture.md, "Survey links").
    """
    return emails.send_invitation_email(invitation_id)


@task()
def resend_stalled_invitations() -> int:
    """Enqueue again every invitation whose send was lost (a worker killed mid-send); how many.

    A periodic job, every `SEND_LEASE_SECONDS` (voice/apps.py).
    """
    return services.resend_stalled_invitations()
