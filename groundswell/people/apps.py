from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "groundswell.people"
    label = "people"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from groundswell.core import registry
        from groundswell.people import demo, selectors
        from groundswell.people.choices import EVERYONE
        from groundswell.people.models import Team
        from groundswell.people.permissions import Action, can_somewhere, leadership_changed

        # A team's lead decides what its lead may do (permissions.team_ids_led_by).
        post_save.connect(leadership_changed, sender=Team, dispatch_uid="people-leadership")
        post_delete.connect(leadership_changed, sender=Team, dispatch_uid="people-leadership-del")

        demo.DEMO_STEPS.register(demo.ORGANISATION)  # first: every other step builds on it
        registry.areas.register(
            registry.Area(
                "people",
                _("People"),
                _("Departments, teams and colleagues."),
                EVERYONE,
                "people:person-list",
                position=10,
            )
        )
        registry.admin_links.register(
            registry.AdminLink(
                "import",
                _("Import people"),
                "people:import",
                lambda person: can_somewhere(person, Action.IMPORT_PEOPLE),
                position=10,
            )
        )
        registry.home_panels.register(
            registry.HomePanel("summary", EVERYONE, selectors.home_summary)
        )
