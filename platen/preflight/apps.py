from django.apps import AppConfig


class PreflightConfig(AppConfig):
    name = "platen.preflight"
    label = "preflight"
