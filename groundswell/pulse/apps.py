from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PulseConfig(AppConfig):
    name = "groundswell.pulse"
    verbose_name = _("Employee voice")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import datetime

        from django.conf import settings

        from groundswell.core import registry
        from groundswell.people import hooks
        from groundswell.people.choices import EVERYONE
        from groundswell.people.demo import DEMO_STEPS
        from groundswell.pulse import home, tasks
        from groundswell.pulse.demo import PULSE
        from groundswell.pulse.services import revoke_leavers_invitations

        # A leaver's open links stop working the moment they are switched off.
        hooks.on_person_deactivated(revoke_leavers_invitations)
        DEMO_STEPS.register(PULSE)
        # Closed waves are published soon after closing; due waves open within the hour. A
        # reminder mails everyone who has not answered, each time: weekly, so a wave open for
        # the default two weeks sends one or two. A wave whose mail task was lost or failed is
        # mailed again by the sweep (pulse/services.py, `stalled_waves`).
        for name, job_task, every in (
            ("pulse_publish_closed_waves", tasks.publish_closed_waves, {"minutes": 15}),
            ("pulse_open_due_waves", tasks.open_due_waves, {"hours": 1}),
            (
                "pulse_resend_stalled_invitations",
                tasks.resend_stalled_invitations,
                {"seconds": settings.GROUNDSWELL_SEND_LEASE_SECONDS},
            ),
            ("pulse_send_reminders", tasks.send_reminders, {"weeks": 1}),
        ):
            registry.periodic_jobs.register(
                registry.PeriodicJob(name, job_task, datetime.timedelta(**every))
            )
        registry.areas.register(
            registry.Area(
                "pulse",
                _("Employee voice"),
                _("Anonymous pulse surveys, eNPS and the culture assessment."),
                EVERYONE,
                "pulse:campaign-list",
                position=40,
            )
        )
        for panel in home.PANELS:
            registry.home_panels.register(panel)
        registry.team_needs.register(home.NEEDS)
