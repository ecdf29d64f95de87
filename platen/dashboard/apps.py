from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "platen.dashboard"
    label = "dashboard"
