from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "platen.orders"
    label = "orders"
