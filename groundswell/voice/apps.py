from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "groundswell.voice"
    label = "voice"

    def ready(self) -> None:
        import datetime

        from django.conf import settings

        from groundswell.core import registry
        from groundswell.desk import hooks as desk_hooks
        from groundswell.people.choices import EVERYONE
        from groundswell.people.demo import DEMO_STEPS
        from groundswell.voice import home
        from groundswell.voice.dashboard.tasks import refresh_voice_rollups_task
        from groundswell.voice.demo import SURVEYS
        from groundswell.voice.follow_ups.tasks import (
            finish_stalled_follow_ups as finish_follow_ups,
        )
        from groundswell.voice.invitations.selectors import answers_shown_about
        from groundswell.voice.invitations.services import invite_after_resolution, survey_status
        from groundswell.voice.invitations.tasks import (
            resend_stalled_invitations as resend_stalled,
        )

        # The customer is asked about the service once its resolution is stored.
        desk_hooks.on_interaction_resolved(invite_after_resolution)
        # An interaction's timeline shows the survey answers the viewer may read one by one.
        desk_hooks.on_timeline_answers(answers_shown_about)
        # Its page says whether a survey went out after the resolution, or why not.
        desk_hooks.on_follow_up_status(survey_status)
        DEMO_STEPS.register(SURVEYS)  # right after the desk's step: it continues that story
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "refresh_voice_rollups", refresh_voice_rollups_task, datetime.timedelta(hours=1)
            )
        )
        # What a worker killed mid-task left (an invitation or a notice claimed but not sent, a
        # poor answer without its follow-up) goes out again once its lease has run out.
        lease = datetime.timedelta(seconds=settings.GROUNDSWELL_SEND_LEASE_SECONDS)
        registry.periodic_jobs.register(
            registry.PeriodicJob("voice_resend_stalled_invitations", resend_stalled, lease)
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob("voice_finish_stalled_follow_ups", finish_follow_ups, lease)
        )

        registry.areas.register(
            registry.Area(
                "voice",
                _("Voice"),
                _(
                    "Customer surveys after every service, follow-ups on poor answers and "
                    "the dashboard."
                ),
                EVERYONE,
                "voice_dashboard:dashboard",
                position=30,
            )
        )
        for panel in home.PANELS:
            registry.home_panels.register(panel)
        registry.team_needs.register(home.NEEDS)
