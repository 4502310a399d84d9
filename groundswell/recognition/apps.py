from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "groundswell.recognition"
    verbose_name = "Recognition"
    label = "recognition"

    def ready(self) -> None:
        import datetime

        from django.conf import settings

        from groundswell.core import registry
        from groundswell.people.choices import EVERYONE
        from groundswell.people.demo import DEMO_STEPS
        from groundswell.recognition import home
        from groundswell.recognition.demo import RECOGNITION
        from groundswell.recognition.tasks import (
            draft_newsletter,
            finish_stalled_work,
            huddle_digests,
            make_compliment_cards,
        )

        DEMO_STEPS.register(RECOGNITION)
        # A customer's top answer with a comment becomes the agent's compliment card within a
        # minute, made in sets by the worker instead of in the customer's request.
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "recognition_compliment_cards", make_compliment_cards, datetime.timedelta(minutes=1)
            )
        )
        # Kudos emails and newsletter copies a dead worker left go out once the lease ran out.
        lease = datetime.timedelta(seconds=settings.GROUNDSWELL_SEND_LEASE_SECONDS)
        registry.periodic_jobs.register(
            registry.PeriodicJob("recognition_finish_stalled_work", finish_stalled_work, lease)
        )
        # Each team's huddle digest at its shift start, its email once (HuddleDigest rows).
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "recognition_huddle_digests", huddle_digests, datetime.timedelta(minutes=15)
            )
        )
        # The past month's newsletter drafted from the 1st (one per month, however often).
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "recognition_draft_newsletter", draft_newsletter, datetime.timedelta(days=1)
            )
        )
        registry.areas.register(
            registry.Area(
                "recognition",
                _("Recognition"),
                _("Kudos tied to our values, customer compliments and heroes."),
                EVERYONE,
                "recognition:feed",
                position=70,
            )
        )
        for panel in home.PANELS:
            registry.home_panels.register(panel)
