from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogConfig(AppConfig):
    name = "platen.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from platen.catalog import signals

        signals.connect()
        post_migrate.connect(_load_when_empty, sender=self, dispatch_uid="catalog-load-when-empty")


def _load_when_empty(sender, app_config, using="default", verbosity=1, apps=None, **kwargs) -> None:
    """A fresh database (including the test database) starts with the catalog shipped with Platen."""
    try:
        if apps is not None:
            apps.get_model("catalog", "Product")  # absent when the catalog was migrated backwards to zero
    except LookupError:
        return
    from platen.catalog import loader
    from platen.catalog.models import Product

    if using != "default" or Product.objects.using(using).exists():
        return
    summary = loader.load_catalog()
    if verbosity >= 1:
        print(f"  {summary}")
