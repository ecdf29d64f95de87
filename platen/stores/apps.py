from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "platen.stores"
    label = "stores"
    verbose_name = "Store connections"
