from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "platen.intake"
    label = "intake"
