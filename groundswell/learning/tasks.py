"""Background work of the learning app."""

from django.tasks import task

from groundswell.learning import reminders, services


@task()
def purge_expired_candidates() -> int:
    """Delete candidates not hired once their retention period ran out (daily)."""
    return services.purge_expired_candidates()


@task()
def send_refresher_reminders() -> int:
    """Add the reminders of refreshers overdue or due soon, and enqueue one mail per person
    waiting (daily; it also picks up the mails of a worker that died). Returns the people."""
    reminders.add_reminders()
    people = reminders.waiting_people()
    for person_id in people:
        mail_refresher_reminder.enqueue(person_id)
    return len(people)


@task()
def mail_refresher_reminder(person_id: int) -> int:
    """Mail one person their refresher reminders, once per course cycle."""
    return reminders.send_reminder(person_id)
