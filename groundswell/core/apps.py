import datetime
from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _create_cache_tables(using: str, **kwargs: Any) -> None:
    """`migrate` also creates the table the request limits count in without Redis (settings.py)."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "groundswell.core"
    label = "core"

    def ready(self) -> None:
        # Schema set-up that belongs with `migrate`, not a domain flow (STYLE.md §14). Sent once
        # per app with models (no sender: any app's signal will do); an existing table is left
        # alone.
        post_migrate.connect(_create_cache_tables, dispatch_uid="groundswell.core.cache_tables")

        from groundswell.core import registry, tasks

        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "purge_expired_records", tasks.purge_expired_records, datetime.timedelta(days=1)
            )
        )
