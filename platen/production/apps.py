from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "platen.production"
    label = "production"
    verbose_name = "Production and shipping"

    def ready(self) -> None:
        from platen.orders import events
        from platen.production import tasks

        events.subscribe(tasks.on_history)
