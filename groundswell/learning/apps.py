from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "groundswell.learning"
    verbose_name = "Learning"
    label = "learning"

    def ready(self) -> None:
        import datetime

        from groundswell.core import registry
        from groundswell.learning.demo import LEARNING
        from groundswell.learning.tasks import purge_expired_candidates, send_refresher_reminders
        from groundswell.people.choices import EVERYONE
        from groundswell.people.demo import DEMO_STEPS

        DEMO_STEPS.register(LEARNING)
        # Candidates not hired are deleted once LEARNING_CANDIDATE_RETENTION_MONTHS ran out.
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "learning_purge_expired_candidates",
                purge_expired_candidates,
                datetime.timedelta(days=1),
            )
        )
        # Each person owing a refresher (overdue, or due within 30 days) is mailed once a cycle.
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "learning_send_refresher_reminders",
                send_refresher_reminders,
                datetime.timedelta(days=1),
            )
        )
        registry.areas.register(
            registry.Area(
                "learning",
                _("Learning"),
                _("Hiring for attitude, onboarding with a buddy and the readiness gate."),
                EVERYONE,
                "learning:index",
                position=80,
            )
        )
