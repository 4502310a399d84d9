from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "groundswell.voice"
    label = "voice"

    def ready(self) -> None:
        from groundswell.core import registry
        from groundswell.people.choices import EVERYONE, Role
        from groundswell.voice.follow_ups import due_for_home

        registry.areas.register(
            registry.Area(
                "voice",
                _("Voice"),
                _(
                    "Customer surveys after every service, employee pulses and the culture "
                    "assessment."
                ),
                EVERYONE,
                "voice_dashboard:dashboard",
                position=30,
            )
        )
        registry.home_panels.register(
            registry.HomePanel("follow_ups_due", frozenset({Role.TEAM_LEAD}), due_for_home)
        )
