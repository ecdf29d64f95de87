"""Any saved or deleted catalog row bumps CatalogVersion so every process drops its cached snapshot.

Bulk queryset.update()/delete() send no row signals: code that uses them must call CatalogVersion.bump().
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db.models.signals import post_delete, post_save

from platen.catalog import models as m

WATCHED = (
    m.CustomsZone, m.Region, m.Product, m.ProductPrice, m.ProductAvailability, m.ShipmentMethod, m.ShipmentRate,
    m.ShipmentRatePrice, m.ShippingRestriction, m.QuantityLimit, m.CrossBorderRequirement,
    m.Catalog, m.ProductAttribute, m.ProductAttributeValue, m.ProductAttributeLink, m.ProductPriceBreak, m.ProductDimension,
    m.VatRate,
)
_state = threading.local()


@contextmanager
def one_change():
    """Group many row changes (a catalog load) into one version bump at the end."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1
    if _state.depth == 0:
        m.CatalogVersion.bump()


def _changed(sender, **kwargs) -> None:
    if not getattr(_state, "depth", 0) and not kwargs.get("raw"):
        m.CatalogVersion.bump()


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalog-version-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"catalog-version-delete-{model.__name__}")
