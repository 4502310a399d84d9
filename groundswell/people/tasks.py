"""Background work about people."""

from django.tasks import task

from groundswell.people import notifications


@task()
def send_welcome_email(person_id: int) -> bool:
    """Invite a person who was given a login to choose their password."""
    return notifications.send_welcome_email(person_id)
