"""Background work for recognition: telling people about their kudos, making compliment cards,
the daily huddle digest and the monthly newsletter."""

from django.tasks import task

from groundswell.recognition import emails, huddle, newsletter, services


@task()
def send_kudos_notice(kudos_id: int) -> int:
    """Email the thanked person and their lead; returns how many emails went out."""
    return emails.send_kudos_notice(kudos_id)


@task()
def make_compliment_cards() -> dict[str, int]:
    """The agents' compliment cards from their customers' recent top answers; how many were
    made and how many waiting cards were taken away. A periodic job, every minute."""
    made, taken_away = services.make_compliment_cards()
    return {"made": made, "taken_away": taken_away}


@task()
def finish_stalled_work() -> dict[str, int]:
    """Enqueue again the kudos emails and newsletter mails a dead worker lost; how many of each
    (newsletters: how many had copies waiting).

    A periodic job, every `SEND_LEASE_SECONDS` (recognition/apps.py).
    """
    notices = services.finish_stalled_work()
    waiting = newsletter.stalled()
    for newsletter_id in waiting:
        send_newsletter_mails.enqueue(newsletter_id)
    return {"notices": notices, "newsletters": len(waiting)}


@task()
def send_huddle_digest(digest_id: int) -> int:
    """Email one team's huddle digest; returns how many people it went to (0: sent already)."""
    return huddle.send_digest(digest_id)


@task()
def huddle_digests() -> dict[str, int]:
    """Make the digests of the teams whose shift started and enqueue the emails not sent yet.

    A periodic job, every 15 minutes (recognition/apps.py): a digest is made once per team and
    day (a unique row), and its email sent once (a claim with a lease), however often this runs.
    """
    made = huddle.make_due_digests()
    waiting = huddle.unsent()
    for digest_id in waiting:
        send_huddle_digest.enqueue(digest_id)
    return {"made": made, "enqueued": len(waiting)}


@task()
def send_newsletter_mails(newsletter_id: int) -> int:
    """Mail a sent newsletter to everyone not mailed yet; returns how many mails this run sent.

    Several runs at once (two workers, the sweep) share the work: each copy is claimed first.
    """
    return newsletter.send_pending(newsletter_id)


@task()
def draft_newsletter() -> int | None:
    """From the 1st of a month, draft the past month's newsletter; returns its id (None when
    it existed). A periodic job, daily (recognition/apps.py)."""
    drafted = newsletter.draft_due()
    return drafted.pk if drafted is not None else None
