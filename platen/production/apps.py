from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "platen.production"
    label = "production"
    verbose_name = "Production and shipping"
