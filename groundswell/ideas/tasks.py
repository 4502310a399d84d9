"""Background work for the open door."""

from django.tasks import task

from groundswell.ideas import services


@task()
def send_idea_reminders() -> int:
    """Remind owners of submissions past their acknowledgement deadline; returns emails sent."""
    return services.send_idea_reminders()
