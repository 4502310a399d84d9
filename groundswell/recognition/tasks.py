"""Background work for recognition: telling people about their kudos, making compliment cards."""

from django.tasks import task

from groundswell.recognition import emails, services


@task()
def send_kudos_notice(kudos_id: int) -> int:
    """Email the thanked person and their lead; returns how many emails went out."""
    return emails.send_kudos_notice(kudos_id)


@task()
def record_compliment(response_id: int) -> int | None:
    """Turn a customer's top answer into the agent's compliment card; returns its id."""
    compliment = services.record_compliment(response_id)
    return compliment.pk if compliment is not None else None


@task()
def finish_stalled_work() -> dict[str, int]:
    """Enqueue again the kudos emails and compliment cards a dead worker lost; how many of each.

    A periodic job, every `SEND_LEASE_SECONDS` (recognition/apps.py).
    """
    notices, compliments = services.finish_stalled_work()
    return {"notices": notices, "compliments": compliments}
