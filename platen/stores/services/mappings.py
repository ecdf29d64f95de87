"""A store's SKU mappings (a store SKU -> a catalog product with its files) and shipping-method mappings (the store's
method -> a Platen shipment method). Adding one lets the store orders waiting for it import (a job)."""

from __future__ import annotations

from django.db import transaction

from platen.catalog.models import Product, ShipmentMethod
from platen.kit.errors import Detail, InvalidRequest, NotFound
from platen.orders.schemas import FILE_TYPE_HELP, is_file_type
from platen.stores import tasks
from platen.stores.models import ShippingMethodMapping, SkuMapping
from platen.stores.services.setup import get_store

MAX_FILES = 16


def sku_mappings(account, store_id):
    return get_store(account, store_id).sku_mappings.order_by("sku")


def shipping_mappings(account, store_id):
    return get_store(account, store_id).shipping_mappings.order_by("store_method")


def map_sku(account, store_id, sku: str, product_uid: str, files: list[dict] | None = None) -> SkuMapping:
    """Add the mapping, or replace the one the SKU has."""
    store = get_store(account, store_id)
    problems = []
    sku = _required(problems, "sku", sku, "Enter the SKU as the store has it.", _fits, "A SKU has at most 255 characters.")
    product_uid = _required(problems, "productUid", product_uid, "Choose the catalog product that fulfils this SKU.",
                            lambda uid: Product.objects.filter(uid=uid).exists(),
                            "There is no catalog product {}: copy its uid from the catalog.")
    cleaned = _files(files or [], problems)
    _refuse(problems)
    with transaction.atomic():
        mapping, _ = SkuMapping.objects.update_or_create(store=store, sku=sku, defaults={"product_uid": product_uid, "files": cleaned})
        tasks.enqueue_retry_waiting(store)
    return mapping


def _required(problems: list[Detail], field: str, value: str, missing: str, accepted, refusal: str) -> str:
    """The value stripped; a problem for the field when it is empty or not `accepted` (refusal names the value)."""
    value = (value or "").strip()
    if not value:
        problems.append(Detail(field, missing))
    elif not accepted(value):
        problems.append(Detail(field, refusal.format(value)))
    return value


def _fits(value: str) -> bool:
    return len(value) <= 255


def _refuse(problems: list[Detail]) -> None:
    if problems:
        raise InvalidRequest(problems[0].message if len(problems) == 1 else "The mapping cannot be added as given.", problems)


def _files(files: list[dict], problems: list[Detail]) -> list[dict]:
    cleaned = []
    if len(files) > MAX_FILES:
        problems.append(Detail("files", f"Give at most {MAX_FILES} files."))
        return []
    for n, f in enumerate(files):
        kind, url = (f.get("type") or "default").strip(), (f.get("url") or "").strip()
        if not is_file_type(kind):
            problems.append(Detail(f"files[{n}].type", FILE_TYPE_HELP + "."))
        if not url.startswith(("https://", "http://")) or len(url) > 2048:
            problems.append(Detail(f"files[{n}].url", "Use the file's http:// or https:// URL."))
        cleaned.append({"type": kind, "url": url})
    return cleaned


def unmap_sku(account, store_id, sku: str) -> None:
    _remove(get_store(account, store_id).sku_mappings.filter(sku=(sku or "").strip()), "that SKU")


def map_shipping(account, store_id, store_method: str, shipment_method_uid: str) -> ShippingMethodMapping:
    """Add the mapping, or replace the one the store's method has (compared without case)."""
    store = get_store(account, store_id)
    problems = []
    store_method = _required(problems, "storeMethod", store_method,
                             "Enter the shipping method's name as the store shows it at checkout.", _fits,
                             "A shipping method's name has at most 255 characters.")
    uid = _required(problems, "shipmentMethodUid", shipment_method_uid, "Choose the Platen shipment method.",
                    lambda uid: ShipmentMethod.objects.filter(uid=uid).exists(),
                    "There is no shipment method {}: use one of the shipment methods of the catalog (for example normal "
                    "or express).")
    _refuse(problems)
    with transaction.atomic():
        existing = ShippingMethodMapping.objects.select_for_update().filter(store=store, store_method__iexact=store_method).first()
        if existing is not None:
            existing.store_method, existing.shipment_method_uid = store_method, uid
            existing.save(update_fields=["store_method", "shipment_method_uid"])
            mapping = existing
        else:
            mapping = ShippingMethodMapping.objects.create(store=store, store_method=store_method, shipment_method_uid=uid)
        tasks.enqueue_retry_waiting(store)
    return mapping


def unmap_shipping(account, store_id, store_method: str) -> None:
    _remove(get_store(account, store_id).shipping_mappings.filter(store_method__iexact=(store_method or "").strip()),
            "that shipping method")


def _remove(mappings, what: str) -> None:
    deleted, _ = mappings.delete()
    if not deleted:
        raise NotFound(f"This store has no mapping for {what}.")
