from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "platen.diagnostics"
    label = "diagnostics"

    def ready(self) -> None:
        from platen.diagnostics.services.analytics_spans import record_spans
        from platen.orders import events

        events.subscribe(record_spans)  # the status-time rollup, written with every status change
