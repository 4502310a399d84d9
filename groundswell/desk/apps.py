from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "groundswell.desk"
    label = "desk"
