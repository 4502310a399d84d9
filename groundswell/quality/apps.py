from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "groundswell.quality"
    verbose_name = "Quality"
    label = "quality"

    def ready(self) -> None:
        import datetime

        from groundswell.core import registry
        from groundswell.people.choices import EVERYONE
        from groundswell.people.demo import DEMO_STEPS
        from groundswell.quality import home, tasks
        from groundswell.quality.demo import QUALITY

        DEMO_STEPS.register(QUALITY)  # after customer voice: reviews sit beside its answers

        # Filling the queue is idempotent (one queue item per interaction, counted per week),
        # so running it every day only adds what the day brought.
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "quality_fill_review_queue", tasks.fill_review_queues, datetime.timedelta(days=1)
            )
        )
        # The dashboard's weekly rollups; a submitted review also refreshes its own week.
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "quality_refresh_rollups",
                tasks.refresh_quality_rollups_task,
                datetime.timedelta(hours=1),
            )
        )
        registry.areas.register(
            registry.Area(
                "quality",
                _("Quality"),
                _("Behaviour scorecards, reviews, calibration and coaching."),
                EVERYONE,
                "quality:home",
                position=60,
            )
        )
        for panel in home.PANELS:
            registry.home_panels.register(panel)
