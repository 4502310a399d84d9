from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "groundswell.desk"
    label = "desk"

    def ready(self) -> None:
        from groundswell.core import registry
        from groundswell.desk import home
        from groundswell.desk.demo import SERVICE
        from groundswell.people.choices import EVERYONE
        from groundswell.people.demo import DEMO_STEPS

        DEMO_STEPS.register(SERVICE)

        registry.areas.register(
            registry.Area(
                "desk",
                _("Service desk"),
                _("Customer and internal interactions, and the promises made in them."),
                EVERYONE,
                "desk:interaction-list",
                position=20,
            )
        )
        for panel in home.PANELS:
            registry.home_panels.register(panel)
        registry.team_needs.register(home.NEEDS)
