from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PulseConfig(AppConfig):
    name = "groundswell.pulse"
    verbose_name = _("Employee voice")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.core import registry
        from groundswell.people import hooks
        from groundswell.people.choices import EVERYONE
        from groundswell.people.demo import DEMO_STEPS
        from groundswell.pulse.demo import PULSE
        from groundswell.pulse.services import revoke_leavers_invitations

        # A leaver's open links stop working the moment they are switched off.
        hooks.on_person_deactivated(revoke_leavers_invitations)
        DEMO_STEPS.register(PULSE)
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
