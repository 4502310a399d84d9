from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "groundswell.ideas"
    verbose_name = "Open door"
    label = "ideas"
