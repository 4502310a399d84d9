from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "groundswell.voice"
    label = "voice"
