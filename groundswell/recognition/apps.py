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
        from groundswell.recognition.services import compliment_from_response
        from groundswell.recognition.tasks import (
            draft_newsletter,
            finish_stalled_work,
            huddle_digests,
        )
        from groundswell.voice import hooks as voice_hooks

        # A customer's top answer with a comment becomes a compliment card for the agent.
        voice_hooks.on_response_recorded(compliment_from_response)
        DEMO_STEPS.register(RECOGNITION)
        # Kudos emails and compliment cards a dead worker left go out once the lease ran out.
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
