"""Recreate (seed 000, time-sensitive orders): a store order that did not import becomes a Platen order at once.

The merchant names a store order Platen recorded as skipped or waiting, or one Platen never saw (its number as the
merchant knows it, or the platform's id: it is fetched from the platform). The order is made past the import's own
rules the merchant chose to override (its status in the store, payment, placed before connecting or while the
store was not active), never past the order's data checks, which run as for any order. Every item the store
connection cannot resolve needs a product from the caller (`lines`), or nothing is made and the refusal names the
items. The order is linked to the store order by the same unique key imports use (channel, store, platform id),
so a later webhook or pull of it finds it and makes no second order.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from platen.intake import services as intake
from platen.intake.statuses import Outcome
from platen.kit.actors import Actor
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound
from platen.orders.models import Order
from platen.orders.services import store_orders
from platen.stores import resolution
from platen.stores.connectors.base import AuthFailed, ConnectorError, StoreOrder as StoreOrderData
from platen.stores.models import Store, StoreOrder
from platen.stores.reasons import Reason
from platen.stores.services import connections
from platen.stores.services.fulfillments import platform_label
from platen.stores.services.setup import get_store
from platen.stores.statuses import Bucket, SeenVia, StoreStatus

log = logging.getLogger("platen.stores.recreate")


@dataclass(frozen=True)
class LineChoice:
    """The product (and its print files) the merchant chose for one store line: {"productUid", "files"}."""

    product_uid: str
    files: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Choices:
    lines: dict[str, LineChoice] = field(default_factory=dict)  # store line id -> product
    shipment_method_uid: str = ""  # used when the store's shipping method is not mapped

    @classmethod
    def from_wire(cls, body: Mapping | None) -> Choices:
        body = body or {}
        lines = {str(line_id): LineChoice(str(choice.get("productUid") or "").strip(), list(choice.get("files") or []))
                 for line_id, choice in (body.get("lines") or {}).items()}
        return cls(lines, str(body.get("shipmentMethodUid") or "").strip())


def recreate(account, store_id, ref: str, actor: Actor, choices: Choices = Choices()) -> Order:
    """The order made from the store order `ref` (platform id or the merchant's number); the order already linked
    to it when it imported meanwhile (nothing is made twice)."""
    store = get_store(account, store_id)
    known = find_known(store, ref)
    if known is not None and known.order_id:
        return Order.objects.get(pk=known.order_id)
    data = StoreOrderData.from_dict(known.snapshot) if known is not None and known.snapshot else fetch(store, ref)
    return create(store, data, actor, choices, known=known)


def recreate_store_order(account, store_id, store_order_id, actor: Actor, choices: Choices = Choices()) -> Order:
    """Recreate from the dashboard: a store order Platen recorded (by its row id)."""
    store = get_store(account, store_id)
    known = StoreOrder.objects.filter(store=store, pk=_uuid(store_order_id)).first() if _uuid(store_order_id) else None
    if known is None:
        raise NotFound("This store has no such store order.", code="store_order_not_found")
    return recreate(account, store.pk, known.external_id, actor, choices)


def find_known(store: Store, ref: str) -> StoreOrder | None:
    ref = (ref or "").strip()
    if not ref:
        raise InvalidRequest("Name the store order: its number as the store shows it (#1001) or the platform's id.",
                             [Detail("storeOrderRef", "Enter the store order's number.")])
    found = StoreOrder.objects.filter(store=store, external_id=ref).first()
    if found is None:
        numbers = {ref, ref.lstrip("#"), f"#{ref.lstrip('#')}"}
        found = StoreOrder.objects.filter(store=store, number__in=numbers).order_by("-placed_at").first()
    return found


def fetch(store: Store, ref: str) -> StoreOrderData:
    """A store order Platen never saw, from the platform: by its id when the reference is one, else by number."""
    label = platform_label(store)
    if store.status != StoreStatus.ACTIVE:
        raise Conflict(f"Reconnect the store {store} first: Platen cannot read its orders from {label} until then.",
                       code="store_not_active")
    ref = ref.strip()
    try:
        with connections.connector_for(store) as connector:
            data = connector.fetch_order(ref) if ref.isdigit() else None
            data = data or connector.find_order(ref)
    except AuthFailed as exc:
        with transaction.atomic():
            connections.change_status(store, StoreStatus.AUTH_FAILED, Actor.system(), reason=exc.message)
        raise Conflict(f"{exc.message.rstrip('.')}. Recreate the order once the store is reconnected.",
                       code="store_auth_failed") from exc
    except ConnectorError as exc:
        raise Conflict(f"{label} could not be asked for the order: {exc.message} Try again in a moment.",
                       code="store_unavailable") from exc
    if data is None:
        raise NotFound(f"{label} has no order {ref} in the store {store}: check the number.", code="store_order_not_found")
    return data


def create(store: Store, data: StoreOrderData, actor: Actor, choices: Choices = Choices(), *,
           known: StoreOrder | None = None) -> Order:
    """Check what the order needs from the merchant, then make it (orders side), linked to the store order."""
    if data.cancelled_at is not None:
        raise Conflict(f"Order {data.number} was cancelled in the store, so it is not made.", code="cancelled_in_store")
    resolved = _resolve(store, data, choices)
    method = resolution.resolve_shipping(store, data.shipping_method)
    if choices.shipment_method_uid:
        method = choices.shipment_method_uid
    if method is None:
        raise InvalidRequest(
            f"The store's shipping method '{data.shipping_method}' is not mapped to a Platen shipment method: map it, "
            "or choose the shipment method for this order.",
            [Detail("shipmentMethodUid", f"Choose the Platen shipment method for '{data.shipping_method}'.")],
            code="shipping_method_not_mapped")
    why = _OVERRIDE_WORDS.get(known.reason_code, "") if known is not None else "Platen had not seen it."
    reason = f"Recreated by hand from store order {data.number}." + (f" {why}" if why else "")
    order = _create_order(store, data, resolved, method, actor, reason)
    log.info("store order recreated", extra={"order_id": str(order.pk), "store_id": str(store.pk), "number": data.number,
                                              "by": actor.label, "overrides": known.reason_code if known else "never seen"})
    return order


def _resolve(store: Store, data: StoreOrderData, choices: Choices) -> list[resolution.ResolvedLine]:
    """Every line as a product, ignored, or the merchant's choice; any still unresolved refuses the whole order."""
    unknown = [line_id for line_id in choices.lines if line_id not in {line.external_id for line in data.lines}]
    if unknown:
        raise InvalidRequest(f"Order {data.number} has no item {unknown[0]} in the store.",
                             [Detail(f"lines.{line_id}", "Not an item of this store order.") for line_id in unknown])
    resolved = []
    missing = []
    for r in resolution.resolve_lines(store, data.lines):
        choice = choices.lines.get(r.line.external_id)
        if choice is not None and not choice.product_uid:
            missing.append(r.line)
        elif choice is not None:
            resolved.append(resolution.ResolvedLine(r.line, "connected", choice.product_uid, choice.files, variant=r.variant))
        elif r.state == "unresolved":
            missing.append(r.line)
        else:
            resolved.append(r)
    if missing:
        names = ", ".join(store_orders.line_words(line) for line in missing)
        raise InvalidRequest(
            f"Choose a product for {names} (or connect {'it' if len(missing) == 1 else 'them'} in the store's products): "
            "Platen does not know what to print.",
            [Detail(f"lines.{line.external_id}", f"{store_orders.line_words(line)} needs a product.") for line in missing],
            code="product_not_connected")
    if all(r.state == "ignored" for r in resolved):
        raise Conflict(f"Every item of order {data.number} is ignored, so there is nothing for Platen to make.",
                       code="all_items_ignored")
    return resolved


# What the merchant overrode by recreating, in the order's history.
_OVERRIDE_WORDS = {
    Reason.PLACED_BEFORE_CONNECTION: "It was placed before the store was connected.",
    Reason.STORE_NOT_ACTIVE: "It was placed while the store's connection was not active.",
    Reason.NOT_PAID: "The store did not show it as paid.",
    Reason.STATUS_CHANGED: "Its status in the store was not awaiting fulfilment.",
    Reason.PRODUCT_NOT_CONNECTED: "Its products were chosen for this order.",
    Reason.SKU_NOT_MAPPED: "Its products were chosen for this order.",
    Reason.SHIPPING_METHOD_NOT_MAPPED: "Its shipment method was chosen for this order.",
}


def _create_order(store: Store, data: StoreOrderData, resolved, shipment_method_uid: str, actor: Actor,
                  reason: str) -> Order:
    """The order as imports make it (orders.services.store_orders: same key, rows and checks), linked to its StoreOrder
    in one transaction with the row locked as imports lock it; an order made meanwhile by an import is answered."""
    request = intake.receive(store.account, store.platform, json.dumps(data.as_dict()), content_type="application/json",
                             store_id=store.pk)
    try:
        with transaction.atomic():
            row = _locked_store_order(store, data)
            order = row.order or _by_key(store, data)
            outcome = Outcome.DUPLICATE
            if order is None:
                order = store_orders.create_order(store, data, resolved, shipment_method=shipment_method_uid,
                                                  intake_request=request, actor=actor, reason=reason)
                outcome = Outcome.ACCEPTED
            row.order, row.bucket, row.reason_code, row.reason = order, Bucket.IMPORTED, "", ""
            row.save()
            intake.complete(request, outcome, order=order)
    except IntegrityError:  # an import made it between the lock and the insert: answer that order
        order = _by_key(store, data)
        if order is None:
            raise
        with transaction.atomic():
            StoreOrder.objects.filter(store=store, external_id=data.external_id, order__isnull=True).update(
                order=order, bucket=Bucket.IMPORTED, reason_code="", reason="")
            intake.complete(request, Outcome.DUPLICATE, order=order)
    return order


def _by_key(store: Store, data: StoreOrderData) -> Order | None:
    return Order.objects.filter(account_id=store.account_id, channel=store.platform, source_key=str(store.pk),
                                external_id=data.external_id).first()


def _locked_store_order(store: Store, data: StoreOrderData) -> StoreOrder:
    """The StoreOrder row, locked (made, as seen by the recreate, when Platen never saw the order)."""
    rows = StoreOrder.objects.select_for_update(of=("self",)).select_related("order")
    row = rows.filter(store=store, external_id=data.external_id).first()
    if row is None:
        try:
            with transaction.atomic():
                StoreOrder.objects.create(
                    store=store, external_id=data.external_id, number=data.number[:100], placed_at=data.placed_at,
                    store_updated_at=data.updated_at, store_status=data.store_status[:200], bucket=Bucket.WAITING,
                    snapshot=data.as_dict(), seen_via=SeenVia.RECREATE)
        except IntegrityError:
            pass  # an import inserted it first: its row, once its transaction ends
        row = rows.get(store=store, external_id=data.external_id)
    return row


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
