"""Background work for employee voice: invitations, reminders, scheduled waves, publishing."""

from django.tasks import task
from django.utils import timezone

from groundswell.pulse import services


@task()
def send_invitations(wave_id: int) -> int:
    """Mail every invitee of a wave their personal link; returns how many were sent."""
    return services.send_invitations(wave_id)


@task()
def resend_stalled_invitations() -> int:
    """Mail the invitations of open waves whose sending task was lost or failed."""
    return services.resend_stalled_invitations()


@task()
def send_reminders() -> int:
    """Remind those who have not answered an open wave yet."""
    return services.remind_open_waves()


@task()
def open_due_waves() -> int:
    """Start the next wave of monthly and quarterly campaigns that are due."""
    return len(services.open_due_waves(now=timezone.now()))


@task()
def publish_closed_waves(campaign_id: int | None = None) -> int:
    """Store the pending answers of waves that have closed (of one campaign, or all)."""
    from groundswell.pulse.models import Campaign

    campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id else None
    return services.publish_closed_waves(campaign=campaign)
