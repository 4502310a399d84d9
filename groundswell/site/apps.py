from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top of the stack: mounts every app's router and pages, builds the home page and
    the navigation from `core.registry`, and runs the demo. Nothing imports it."""

    name = "groundswell.site"
    label = "site"

    def ready(self) -> None:
        from groundswell.core import registry
        from groundswell.site import home
        from groundswell.site.navigation import register_site_entries

        register_site_entries()
        registry.home_panels.register(home.PANEL)
