"""Background work of the base: housekeeping that every installation needs."""

from django.tasks import task

from groundswell.core.lib import retention


@task()
def purge_expired_records() -> dict[str, int]:
    """Delete sign-in logs, lock-out counters, sessions and finished tasks past retention."""
    return retention.purge_expired_records()
