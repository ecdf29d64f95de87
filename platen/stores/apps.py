from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "platen.stores"
    label = "stores"
    verbose_name = "Store connections"

    def ready(self) -> None:
        from platen.orders import events
        from platen.stores.services import completion

        events.subscribe(completion.on_history)  # a store order born not connected e-mails the merchant
