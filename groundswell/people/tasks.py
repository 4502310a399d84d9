"""Background work about people."""

from django.tasks import task

from groundswell.people import notifications


@task()
def send_welcome_emails(person_ids: list[int]) -> int:
    """Invite people who were given a login to choose their password; returns how many were sent."""
    return sum(notifications.send_welcome_email(person_id) for person_id in person_ids)
