"""Background work of the learning app."""

from django.tasks import task

from groundswell.learning import services


@task()
def purge_expired_candidates() -> int:
    """Delete candidates not hired once their retention period ran out (daily)."""
    return services.purge_expired_candidates()
