from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "platen.notifications"
    label = "notifications"
