from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "platen.catalog"
    label = "catalog"
