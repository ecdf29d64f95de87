"""A store's products and variants: kept in step with the store (a full sync, product webhooks) and connected to
the catalog by the merchant (connect, ignore, disconnect).

A variant the store no longer sells keeps its row with `deleted_at` (old orders still name it); a variant whose
options changed gets `options_changed_at` (diagnosis: "the variant was changed after the order was placed").
Every change a merchant's program may follow is a store_product_created|updated|deleted postback, in the change's
transaction. Connecting or ignoring changes what happens to later orders only: an order already waiting for
"Complete order" is completed there (services/completion.py).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

import pydantic
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from platen.catalog import services as catalog
from platen.catalog.models import Product, ProductKind
from platen.kit.actors import Actor
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound, pydantic_details
from platen.notifications import dispatch
from platen.notifications.statuses import PostbackEvent
from platen.orders.schemas import FileIn
from platen.stores import tasks
from platen.stores.connectors.base import AuthFailed, StoreProductData
from platen.stores.models import Store, StoreProduct, StoreVariant
from platen.stores.services import connections
from platen.stores.statuses import Connection, StoreStatus

log = logging.getLogger("platen.stores")
SYNC = Actor.system("product sync")
C = Connection

# Where a design may go: garments have sides, sleeves, a neck and embroidery; flat products a face (and a back or
# an inside for cards). Anything else the orders' own file validation (FileIn) already refuses.
GARMENTS = frozenset({ProductKind.T_SHIRT, ProductKind.HOODIE})
FLAT_PLACEMENTS = frozenset({"default", "front", "back", "inside"})
GARMENT_ONLY = ("sleeve-", "neck-", "embroidery")
_FILES = pydantic.TypeAdapter(list[FileIn])


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    error: str = ""  # why the sync stopped (the store refused the token, ...); "" when it finished


@dataclass(frozen=True)
class Connected:
    """A catalog product and the design files checked for it."""

    product: Product
    files: list[dict] = field(default_factory=list)  # [{"type", "url"}]


# --- Reading (always scoped to the caller's account) ----------------------------------------------------------


def with_counts(products: QuerySet) -> QuerySet:
    live = Q(variants__deleted_at__isnull=True)
    return products.annotate(
        connected=Count("variants", filter=live & Q(variants__connection=C.CONNECTED)),
        not_connected=Count("variants", filter=live & Q(variants__connection=C.NOT_CONNECTED)),
        ignored=Count("variants", filter=live & Q(variants__connection=C.IGNORED)),
    )


def products_of(store: Store, connection: str | None = None) -> QuerySet:
    """The store's products (not deleted) with their variant counts. `connection`: connected = at least one
    variant connected; not_connected = at least one waiting to be connected; ignored = every variant ignored."""
    products = with_counts(store.products.filter(deleted_at__isnull=True)).order_by("title", "id")
    if connection == C.CONNECTED:
        return products.filter(connected__gt=0)
    if connection == C.NOT_CONNECTED:
        return products.filter(not_connected__gt=0)
    if connection == C.IGNORED:
        return products.filter(ignored__gt=0, connected=0, not_connected=0)
    return products


def tab_counts(store: Store) -> dict[str, int]:
    return {"all": products_of(store).count(), **{c: products_of(store, c).count() for c in Connection}}


def product_of(store: Store, external_id: str) -> StoreProduct:
    product = with_counts(store.products.filter(external_id=external_id)).first()
    if product is None:
        raise NotFound(f"The store has no product {external_id!r}.", code="product_not_found")
    return product


def live_variants(product: StoreProduct) -> list[StoreVariant]:
    return list(product.variants.filter(deleted_at__isnull=True).order_by("title", "id"))


def variant_of(store: Store, variant_id) -> StoreVariant:
    """A variant by Platen's id (or the store's own id for it)."""
    variants = StoreVariant.objects.select_related("product").filter(store=store)
    try:
        found = variants.filter(pk=uuid.UUID(str(variant_id))).first()
    except ValueError:
        found = None
    found = found or variants.filter(external_id=str(variant_id)).first()
    if found is None:
        raise NotFound(f"The store has no variant {variant_id!r}.", code="variant_not_found")
    return found


# --- In step with the store -----------------------------------------------------------------------------------


def enqueue_sync(store: Store) -> None:
    """"Sync products": read them again as a job; refused while the store's connection is not active."""
    if store.status != StoreStatus.ACTIVE:
        raise Conflict(f"The store is {store.status.replace('_', ' ')}: reconnect it, then sync its products.",
                       code="store_not_active")
    with transaction.atomic():
        tasks.enqueue_sync_products(store.pk)


def sync_products(store: Store, actor: Actor = SYNC) -> SyncResult:
    """Read every product of the store and bring Platen's copy in step: new ones added, changed ones updated,
    ones gone from the store marked deleted. Each product commits on its own, so a long sync keeps what it did
    when it stops; the deletions happen only after a complete read. A refused token marks the store auth_failed."""
    result = SyncResult()
    seen: set[str] = set()
    try:
        with connections.connector_for(store) as connector:
            for data in connector.products():
                seen.add(data.external_id)
                outcome = apply_product(store, data)
                setattr(result, outcome, getattr(result, outcome) + 1)
    except AuthFailed as exc:
        with transaction.atomic():
            connections.change_status(store, StoreStatus.AUTH_FAILED, actor, reason=exc.message)
        log.warning("product sync refused", extra={"store_id": store.pk, "error": exc.message})
        return SyncResult(result.created, result.updated, 0, result.unchanged, error=exc.message)
    gone = store.products.filter(deleted_at__isnull=True).exclude(external_id__in=seen).values_list("external_id", flat=True)
    for external_id in list(gone):
        result.deleted += remove_product(store, external_id)
    store.products_synced_at = timezone.now()
    Store.objects.filter(pk=store.pk).update(products_synced_at=store.products_synced_at)
    log.info("products synced", extra={"store_id": store.pk, "added": result.created, "changed": result.updated,
                                       "removed": result.deleted})
    return result


def apply_product(store: Store, data: StoreProductData) -> str:
    """One product as the store has it now (a sync or a product webhook): "created", "updated" or "unchanged"."""
    try:
        return _apply_product(store, data)
    except IntegrityError:  # the same new product or variant arrived twice at once (a webhook during a sync)
        return _apply_product(store, data)


def _apply_product(store: Store, data: StoreProductData) -> str:
    now = timezone.now()
    with transaction.atomic():
        product = StoreProduct.objects.select_for_update().filter(store=store, external_id=data.external_id).first()
        outcome = "created" if product is None or product.deleted_at is not None else "unchanged"
        if product is None:
            product = StoreProduct.objects.create(store=store, external_id=data.external_id, title=data.title[:255], synced_at=now)
        else:
            if product.title != data.title[:255]:
                outcome = outcome if outcome == "created" else "updated"
            StoreProduct.objects.filter(pk=product.pk).update(title=data.title[:255], deleted_at=None, synced_at=now)
            product.title, product.deleted_at = data.title[:255], None
        if _apply_variants(store, product, data, now) and outcome == "unchanged":
            outcome = "updated"
        if outcome != "unchanged":
            _postback(product, PostbackEvent.STORE_PRODUCT_CREATED if outcome == "created" else PostbackEvent.STORE_PRODUCT_UPDATED)
    return outcome


def _apply_variants(store: Store, product: StoreProduct, data: StoreProductData, now) -> bool:
    """Add, change and mark deleted the product's variants; True when anything changed."""
    known = {v.external_id: v for v in StoreVariant.objects.filter(store=store, external_id__in=[
        v.external_id for v in data.variants] + list(product.variants.values_list("external_id", flat=True)))}
    changed = False
    for incoming in data.variants:
        values = {"sku": incoming.sku[:255], "title": incoming.title[:255], "options": dict(incoming.options)}
        variant = known.get(incoming.external_id)
        if variant is None:
            StoreVariant.objects.create(store=store, product=product, external_id=incoming.external_id, **values)
            changed = True
            continue
        updates = {k: v for k, v in values.items() if getattr(variant, k) != v}
        if variant.options and "options" in updates:
            updates["options_changed_at"] = now  # what customers ordered before now differs from the store's
        if variant.product_id != product.pk:
            updates["product"] = product  # moved between products in the store
        if variant.deleted_at is not None:
            updates["deleted_at"] = None
        if updates:
            StoreVariant.objects.filter(pk=variant.pk).update(**updates, updated_at=now)
            changed = True
    wanted = {v.external_id for v in data.variants}
    gone = product.variants.filter(deleted_at__isnull=True).exclude(external_id__in=wanted)
    return bool(gone.update(deleted_at=now, updated_at=now)) or changed


def remove_product(store: Store, external_id: str) -> bool:
    """The store deleted the product (a webhook, or a sync that no longer sees it); False when already gone."""
    now = timezone.now()
    with transaction.atomic():
        product = StoreProduct.objects.select_for_update().filter(
            store=store, external_id=external_id, deleted_at__isnull=True).first()
        if product is None:
            return False
        payload = _payload(product)  # the variants as they were, before they are marked deleted
        StoreProduct.objects.filter(pk=product.pk).update(deleted_at=now)
        product.variants.filter(deleted_at__isnull=True).update(deleted_at=now, updated_at=now)
        dispatch.account_event(store.account_id, PostbackEvent.STORE_PRODUCT_DELETED, payload)
    return True


# --- Connecting to the catalog -------------------------------------------------------------------------------


def checked_connection(product_uid: str, files: list) -> Connected:
    """The catalog product and the files (as FileIn, or dicts/FileIn from the wire), or the reasons as a 400."""
    product = catalog.get_product(product_uid or "")
    details = [] if product is not None else [Detail("productUid", "Choose a product from the catalog.")]
    try:
        parsed = _FILES.validate_python([f.model_dump() if isinstance(f, FileIn) else f for f in files or []])
    except pydantic.ValidationError as exc:
        details += [Detail(f"files{d.field}" if d.field.startswith("[") else f"files.{d.field}", d.message)
                    for d in pydantic_details(exc.errors())]
        parsed = []
    seen = set()
    for n, f in enumerate(parsed):
        if f.type in seen:
            details.append(Detail(f"files[{n}].type", f"Give one file per placement; {f.type} is given twice."))
        seen.add(f.type)
        if product is not None and not _placement_allowed(product, f.type):
            details.append(Detail(f"files[{n}].type", f"{product.name} has no {f.type.replace('-', ' ')} placement; "
                                                      f"use one of {', '.join(sorted(FLAT_PLACEMENTS))}."))
    if product is not None and not parsed and not details and not product.personalizable:
        details.append(Detail("files", f"Give the design for {product.name}: a link to its print file."))
    if details:
        what = f"no product has the productUid {product_uid!r}" if product is None else "check the files"
        raise InvalidRequest(f"Nothing was connected: {what}.", details, code="invalid_connection")
    return Connected(product, [{"type": f.type, "url": f.url} for f in parsed])


def _placement_allowed(product: Product, file_type: str) -> bool:
    return product.kind in GARMENTS or not file_type.startswith(GARMENT_ONLY)


def connect_variant(variant: StoreVariant, product_uid: str, files: list, actor: Actor) -> StoreVariant:
    """Later orders with this variant are made as `product_uid` with these files, without asking."""
    connected = checked_connection(product_uid, files)
    return _set_connection(variant, C.CONNECTED, actor, product_uid=connected.product.uid, files=connected.files)


def ignore_variant(variant: StoreVariant, actor: Actor) -> StoreVariant:
    """Later orders with this variant leave it out (an order with nothing else is not imported)."""
    return _set_connection(variant, C.IGNORED, actor)


def disconnect_variant(variant: StoreVariant, actor: Actor) -> StoreVariant:
    """Back to not connected: later orders with it ask again (or wait, as the store's setting says)."""
    return _set_connection(variant, C.NOT_CONNECTED, actor)


def ignore_product(product: StoreProduct, actor: Actor) -> StoreProduct:
    """Every variant the product has now is ignored; variants the store adds later come in not connected."""
    with transaction.atomic():
        variants = list(product.variants.select_for_update().filter(deleted_at__isnull=True))
        moving = [v for v in variants if v.connection != C.IGNORED]
        if moving:
            StoreVariant.objects.filter(pk__in=[v.pk for v in moving]).update(
                connection=C.IGNORED, product_uid="", files=[], updated_at=timezone.now())
            _postback(product, PostbackEvent.STORE_PRODUCT_UPDATED)
            _retry_waiting(product.store)
    log.info("store product ignored", extra={"store_id": product.store_id, "product": product.external_id,
                                             "variants": len(moving), "by": actor.label})
    return product


def _set_connection(variant: StoreVariant, connection: Connection, actor: Actor, *, product_uid: str = "",
                    files: list | None = None) -> StoreVariant:
    with transaction.atomic():
        variant = StoreVariant.objects.select_for_update().select_related("product", "store").get(pk=variant.pk)
        if variant.deleted_at is not None:
            raise InvalidRequest("The store no longer sells this variant; nothing was changed.", code="variant_deleted")
        values = {"connection": connection, "product_uid": product_uid, "files": files or []}
        if all(getattr(variant, k) == v for k, v in values.items()):
            return variant
        for name, value in values.items():
            setattr(variant, name, value)
        variant.save(update_fields=[*values, "updated_at"])
        _postback(variant.product, PostbackEvent.STORE_PRODUCT_UPDATED)
        if connection != C.NOT_CONNECTED:
            _retry_waiting(variant.store)
    log.info("store variant connection changed", extra={"store_id": variant.store_id, "variant_id": variant.pk,
                                                        "connection": connection, "by": actor.label})
    return variant


def _retry_waiting(store: Store) -> None:
    """Store orders waiting for this store's mappings may import now (services/importing.py, when present)."""
    try:
        from platen.stores.services.importing import retry_waiting
    except ImportError:
        return
    retry_waiting(store)


# --- Postbacks -----------------------------------------------------------------------------------------------


def _payload(product: StoreProduct) -> dict:
    return {
        "storeId": str(product.store_id), "productId": product.external_id, "title": product.title,
        "variants": [{"id": str(v.pk), "externalId": v.external_id, "sku": v.sku, "title": v.title,
                      "connectionStatus": v.connection} for v in live_variants(product)],
    }


def _postback(product: StoreProduct, event: PostbackEvent) -> None:
    account_id = Store.objects.filter(pk=product.store_id).values_list("account_id", flat=True).get()
    dispatch.account_event(account_id, event, _payload(product))
