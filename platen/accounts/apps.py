from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "platen.accounts"
    label = "accounts"
