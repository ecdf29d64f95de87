from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "platen.diagnostics"
    label = "diagnostics"
