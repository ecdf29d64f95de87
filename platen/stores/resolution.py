"""What each store line item is in Platen: a catalog product with its files, ignored, or not yet known.

The order of the rules: the variant's connection (connected / ignored); a SKU mapping; a SKU that is itself a
catalog product uid. Anything else is unresolved: `product_not_connected` when Platen knows the variant from the
store's products (the merchant connects it), `sku_not_mapped` when the SKU is all Platen has to go on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from platen.catalog.models import Product, ShipmentMethod
from platen.stores.connectors.base import StoreLine
from platen.stores.models import ShippingMethodMapping, SkuMapping, Store, StoreVariant
from platen.stores.reasons import Reason
from platen.stores.statuses import Connection


@dataclass(frozen=True)
class ResolvedLine:
    line: StoreLine
    state: str  # "connected", "ignored" or "unresolved"
    product_uid: str = ""
    files: list[dict] = field(default_factory=list)
    reason_code: str = ""  # for "unresolved": Reason.PRODUCT_NOT_CONNECTED or Reason.SKU_NOT_MAPPED
    variant: StoreVariant | None = None


def resolve_lines(store: Store, lines: Sequence[StoreLine]) -> list[ResolvedLine]:
    variants = {v.external_id: v for v in StoreVariant.objects.filter(
        store=store, external_id__in=[line.variant_id for line in lines if line.variant_id])}
    skus = [line.sku for line in lines if line.sku]
    mappings = {m.sku: m for m in SkuMapping.objects.filter(store=store, sku__in=skus)}
    catalog = set(Product.objects.filter(uid__in=skus).values_list("uid", flat=True))
    return [_resolve(line, variants.get(line.variant_id), mappings.get(line.sku), catalog) for line in lines]


def _resolve(line: StoreLine, variant: StoreVariant | None, mapping: SkuMapping | None, catalog: set[str]) -> ResolvedLine:
    if variant is not None and variant.deleted_at is None:
        if variant.connection == Connection.CONNECTED:
            return ResolvedLine(line, "connected", variant.product_uid, list(variant.files), variant=variant)
        if variant.connection == Connection.IGNORED:
            return ResolvedLine(line, "ignored", variant=variant)
    if mapping is not None:
        return ResolvedLine(line, "connected", mapping.product_uid, list(mapping.files), variant=variant)
    if line.sku and line.sku in catalog:
        return ResolvedLine(line, "connected", line.sku, [], variant=variant)
    known = variant is not None and variant.deleted_at is None
    code = Reason.PRODUCT_NOT_CONNECTED if known or not line.sku else Reason.SKU_NOT_MAPPED
    return ResolvedLine(line, "unresolved", reason_code=code, variant=variant)


def resolve_shipping(store: Store, store_method: str) -> str | None:
    """The Platen shipment method uid for a store's shipping method: "" (Platen's default) when the order has
    none; a mapping; a method whose uid or name is the store's words; None when unmapped."""
    wanted = store_method.strip()
    if not wanted:
        return ""
    mapping = ShippingMethodMapping.objects.filter(store=store, store_method__iexact=wanted).first()
    if mapping is not None:
        return mapping.shipment_method_uid
    method = ShipmentMethod.objects.filter(uid__iexact=wanted).first() or ShipmentMethod.objects.filter(name__iexact=wanted).first()
    return method.uid if method is not None else None


def unresolved(resolved: Iterable[ResolvedLine]) -> list[ResolvedLine]:
    return [r for r in resolved if r.state == "unresolved"]
