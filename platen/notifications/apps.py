from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "platen.notifications"
    label = "notifications"

    def ready(self) -> None:
        from platen.notifications import dispatch, tasks  # noqa: F401  (tasks registers the jobs)
        from platen.orders import events

        events.subscribe(dispatch.on_history)
