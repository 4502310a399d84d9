from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "groundswell.ideas"
    verbose_name = "Open door"
    label = "ideas"

    def ready(self) -> None:
        import datetime

        from groundswell.core import registry
        from groundswell.ideas import home, tasks
        from groundswell.ideas.demo import OPEN_DOOR
        from groundswell.people.choices import EVERYONE
        from groundswell.people.demo import DEMO_STEPS

        DEMO_STEPS.register(OPEN_DOOR)
        # An owner hears about overdue submissions at most once a day (ideas_to_remind).
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "send_idea_reminders", tasks.send_idea_reminders, datetime.timedelta(days=1)
            )
        )

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
        for panel in home.PANELS:
            registry.home_panels.register(panel)
