from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """API keys: the model, its settings pages and services, and the key's authentication.

    The NinjaAPI itself, which mounts every app's router, is the top's (site/api.py)."""

    name = "groundswell.api"
    label = "api"

    def ready(self) -> None:
        from groundswell.core import registry
        from groundswell.people.permissions import Action, can_somewhere

        registry.admin_links.register(
            registry.AdminLink(
                "api-keys",
                _("API keys"),
                "api_keys:list",
                lambda person: can_somewhere(person, Action.MANAGE_API_KEYS),
                position=20,
            )
        )
