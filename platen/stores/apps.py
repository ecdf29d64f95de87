from django.apps import AppConfig
from django.db.models.signals import post_save


class StoresConfig(AppConfig):
    name = "platen.stores"
    label = "stores"
    verbose_name = "Store connections"

    def ready(self) -> None:
        from platen.orders import events
        from platen.stores import subscribers
        from platen.stores.models import StoreStatusChange
        from platen.stores.services import completion

        events.subscribe(completion.on_history)  # a store order born not connected e-mails the merchant
        events.subscribe(subscribers.tell_stores)  # shipped, delivered, returned: told to the store
        post_save.connect(subscribers.resume_on_reconnect, sender=StoreStatusChange, dispatch_uid="stores-resume-pushes")
