from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "platen.jobs"
    label = "jobs"
