from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PulseConfig(AppConfig):
    name = "groundswell.pulse"
    verbose_name = _("Employee voice")
    default_auto_field = "django.db.models.BigAutoField"
