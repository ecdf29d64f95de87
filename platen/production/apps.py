from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProductionConfig(AppConfig):
    name = "platen.production"
    label = "production"
    verbose_name = "Production and shipping"

    def ready(self) -> None:
        from platen.orders import events
        from platen.production import subscribers

        events.subscribe(subscribers.route_created_orders)
        events.subscribe(subscribers.mark_address_changes)
        # The demo network (h-network): after the catalog's own post_migrate load (catalog is listed first).
        post_migrate.connect(_load_network_when_empty, sender=self, dispatch_uid="production-load-network-when-empty")


def _load_network_when_empty(sender, app_config, using="default", verbosity=1, apps=None, **kwargs) -> None:
    """A fresh database (including the test database) starts with the demo network, so orders are routed."""
    try:
        if apps is not None:
            apps.get_model("production", "Facility")  # absent when production was migrated backwards to zero
    except LookupError:
        return
    from platen.production import loader
    from platen.production.models import Facility

    if using != "default" or Facility.objects.using(using).exists():
        return
    summary = loader.load_network(reroute=False)
    if verbosity >= 1:
        print(f"  {summary}")
