from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "groundswell.ideas"
    verbose_name = "Open door"
    label = "ideas"

    def ready(self) -> None:
        from groundswell.core import registry
        from groundswell.ideas.demo import OPEN_DOOR
        from groundswell.people.choices import EVERYONE
        from groundswell.people.demo import DEMO_STEPS

        DEMO_STEPS.register(OPEN_DOOR)

        registry.areas.register(
            registry.Area(
                "ideas",
                _("Open door"),
                _("Ideas, issues and policy friction raised by anyone, acknowledged on time."),
                EVERYONE,
                "ideas:idea-list",
                position=50,
            )
        )
