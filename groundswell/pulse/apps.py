from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PulseConfig(AppConfig):
    name = "groundswell.pulse"
    verbose_name = _("Employee voice")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.people import hooks
        from groundswell.pulse.services import revoke_leavers_invitations

        # A leaver's open links stop working the moment they are switched off.
        hooks.on_person_deactivated(revoke_leavers_invitations)
