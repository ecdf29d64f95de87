"""Complete order: a store order that came in with items not connected to the catalog waits, every item
`not_connected`, until the merchant decides per item (seed 002):

- Connect: to a catalog product with its design files, for this item in this order only ("order") or for this
  variant in this and every incoming order ("variant": the store variant is connected);
- Ignore: for this item in this order ("order"), for this variant in all incoming orders ("variant"), or for
  every variant of the store product ("product").

Items already connected when the order came in wait too; they need no decision. When the last item is decided the
order completes by itself: the items left go not_connected -> received and the order's checks run; ignored items
are canceled (is_ignored); an order whose items were all ignored is canceled with the reason. Each decision is one
history entry in words. Decisions on an order that is no longer waiting are refused (409).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction

from platen.kit.actors import Actor
from platen.kit.errors import Conflict, Detail, InvalidRequest
from platen.notifications import emails
from platen.notifications.statuses import EmailKind
from platen.orders import events, tasks
from platen.orders.models import ItemFile, Order, OrderEvent, OrderItem
from platen.orders.services import queries
from platen.orders.statuses import FINANCIAL_TRANSITIONS, Financial, Fulfillment
from platen.orders.transitions import transition_financial, transition_items
from platen.stores.connectors.base import StoreLine
from platen.stores.connectors.base import StoreOrder as StoreOrderData
from platen.stores.models import SkuMapping, Store, StoreOrder, StoreVariant
from platen.stores.services import products

log = logging.getLogger("platen.stores")
F = Fulfillment

# History entry types of this use case (the order page shows their reason sentences).
ITEM_CONNECTED = "item_connected"
ITEM_IGNORED = "item_ignored"
ORDER_COMPLETED = "order_completed"


class Scope(StrEnum):
    ORDER = "order"  # this item in this order only
    VARIANT = "variant"  # this variant, in this and all incoming orders
    PRODUCT = "product"  # every variant of the store product (Ignore only)


# The seed's words, as the Complete page offers them.
CONNECT_SCOPES = {
    Scope.VARIANT: "Connect this variant for this and all incoming orders",
    Scope.ORDER: "Connect this item for this order only",
}
IGNORE_SCOPES = {
    Scope.ORDER: "Ignore this item for this order",
    Scope.VARIANT: "Ignore this variant for all incoming orders",
    Scope.PRODUCT: "Ignore this product for all incoming orders in all variants",
}


@dataclass
class Line:
    """An item of a not-connected order as people know it from their store."""

    item: OrderItem
    name: str  # "Poster – A3" (the store's product and variant titles), else the line's title
    sku: str
    variant: StoreVariant | None  # Platen's copy of the store variant, when known

    @property
    def decision(self) -> str:
        """"" while it waits for Connect or Ignore; "connected" or "ignored" once decided (or connected on arrival)."""
        if self.item.is_ignored:
            return "ignored"
        return "connected" if self.item.product_uid else ""


# --- Reading -------------------------------------------------------------------------------------------------


def lines(order: Order) -> list[Line]:
    """The order's not_connected items with their store names, in order."""
    items = [i for i in order.items.all() if i.fulfillment_status == F.NOT_CONNECTED]
    variants = _variants(order, items)
    store_lines = _store_lines(order)
    found = []
    for item in items:
        variant = variants.get(item.store_product_variant_id)
        line = store_lines.get(item.item_reference_id) or (
            store_lines.get(("position", item.position)) if store_lines else None)
        if variant is not None:
            name = " – ".join(t for t in (variant.product.title, variant.title) if t and t != "Default Title")
            sku = variant.sku
        else:
            name, sku = (line.title, line.sku) if line else ("", "")
        found.append(Line(item, name or f"Item {item.item_reference_id}", sku, variant))
    return found


def waiting(order: Order) -> list[Line]:
    return [line for line in lines(order) if not line.decision]


def _variants(order: Order, items: list[OrderItem]) -> dict[str, StoreVariant]:
    """Items name their store variant by Platen's id for it (or the store's own id): both are looked up."""
    refs = {i.store_product_variant_id for i in items if i.store_product_variant_id}
    if not refs or order.store_id is None:
        return {}
    ids = [r for r in refs if _is_uuid(r)]
    rows = StoreVariant.objects.select_related("product").filter(store_id=order.store_id)
    found = {str(v.pk): v for v in rows.filter(pk__in=ids)} if ids else {}
    found |= {v.external_id: v for v in rows.filter(external_id__in=refs - set(found))}
    return found


def _store_lines(order: Order) -> dict:
    """The store order's lines by their id and by position (from the snapshot kept when it was seen)."""
    if order.store_id is None or not order.external_id:
        return {}
    snapshot = StoreOrder.objects.filter(store_id=order.store_id, external_id=order.external_id) \
        .values_list("snapshot", flat=True).first()
    if not snapshot:
        return {}
    try:
        store_lines: tuple[StoreLine, ...] = StoreOrderData.from_dict(snapshot).lines
    except (TypeError, ValueError, KeyError):
        return {}
    return {**{line.external_id: line for line in store_lines}, **{("position", n): line for n, line in enumerate(store_lines)}}


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


# --- Deciding ------------------------------------------------------------------------------------------------


def connect(account, order_id, item_reference_id: str, product_uid: str, files: list, actor: Actor,
            scope: str = Scope.VARIANT) -> Order:
    """connect_item for the caller's account (another account's order or an unknown item: 404)."""
    order = queries.get_order(account, order_id)
    return connect_item(order, queries.item_named(order.items.all(), order_id, item_reference_id), product_uid, files,
                        actor, scope)


def ignore(account, order_id, item_reference_id: str, actor: Actor, scope: str = Scope.ORDER) -> Order:
    order = queries.get_order(account, order_id)
    return ignore_item(order, queries.item_named(order.items.all(), order_id, item_reference_id), actor, scope)


def connect_item(order: Order, item: OrderItem, product_uid: str, files: list, actor: Actor,
                 scope: str = Scope.VARIANT) -> Order:
    """Make this item as `product_uid` with `files`; with scope "variant" its store variant is connected too, so
    later orders with it come in without asking."""
    scope = _scope(scope, CONNECT_SCOPES, "Connect")
    connected = products.checked_connection(product_uid, files)
    with transaction.atomic():
        order, line = _locked(order, item)
        if scope == Scope.VARIANT:
            _connect_for_incoming(order, line, connected, actor)
        chosen = line.item
        chosen.product_uid, chosen.is_ignored = connected.product.uid, False
        chosen.save(update_fields=["product_uid", "is_ignored"])
        ItemFile.objects.filter(item=chosen).delete()
        ItemFile.objects.bulk_create([ItemFile(item=chosen, position=n, type=f["type"], url=f["url"])
                                      for n, f in enumerate(connected.files)])
        where = "for this order only" if scope == Scope.ORDER else "for this order and every incoming order with this variant"
        events.record(order, ITEM_CONNECTED, actor, item=chosen,
                      reason=f"Item {chosen.item_reference_id} ({line.name}) connected to {connected.product.name} {where}.",
                      params={"productUid": connected.product.uid, "scope": scope, "files": connected.files})
        _complete_when_decided(order, actor)
    return order


def ignore_item(order: Order, item: OrderItem, actor: Actor, scope: str = Scope.ORDER) -> Order:
    """Leave this item out of the order (canceled when the order completes); with scope "variant" or "product"
    the store variant, or every variant of its product, is ignored in incoming orders too."""
    scope = _scope(scope, IGNORE_SCOPES, "Ignore")
    with transaction.atomic():
        order, line = _locked(order, item)
        variant = _known_variant(line, scope) if scope != Scope.ORDER else None
        if scope == Scope.VARIANT:
            products.ignore_variant(variant, actor)
            also = ", and this variant is ignored in all incoming orders"
        elif scope == Scope.PRODUCT:
            products.ignore_product(variant.product, actor)
            also = f", and every variant of {variant.product.title} is ignored in all incoming orders"
        else:
            also = "; later orders with it will ask again"
        chosen = line.item
        chosen.is_ignored = True
        chosen.save(update_fields=["is_ignored"])
        events.record(order, ITEM_IGNORED, actor, item=chosen, params={"scope": scope},
                      reason=f"Item {chosen.item_reference_id} ({line.name}) ignored in this order{also}.")
        _complete_when_decided(order, actor)
    return order


def complete(order: Order, actor: Actor) -> Order:
    """Let the order go on once every item is decided: the items left are received and checked, the ignored ones
    canceled; all ignored: the order is canceled. Called by itself after the last decision."""
    with transaction.atomic():
        order = _locked_order(order)
        undecided = waiting(order)
        if undecided:
            names = ", ".join(f"{line.item.item_reference_id} ({line.name})" for line in undecided)
            raise Conflict(f"Connect or ignore every item first; still waiting: {names}.", code="items_not_decided")
        _complete(order, list(order.items.all()), actor)
    return order


def _complete_when_decided(order: Order, actor: Actor) -> None:
    if not waiting(order):
        _complete(order, list(order.items.all()), actor)


def _complete(order: Order, items: list[OrderItem], actor: Actor) -> None:
    held = [i for i in items if i.fulfillment_status == F.NOT_CONNECTED]
    ignored = [i for i in held if i.is_ignored]
    going = [i for i in held if not i.is_ignored]
    if going:
        reason = (f"Order completed: {_count(going, 'item')} {'goes' if len(going) == 1 else 'go'} on to be checked"
                  + (f", {_count(ignored, 'item')} ignored." if ignored else "."))
    else:
        reason = "Order completed: every item was ignored, so nothing is made and the order is canceled."
    done = events.event(order, ORDER_COMPLETED, actor, reason=reason,
                        params={"received": [i.item_reference_id for i in going], "ignored": [i.item_reference_id for i in ignored]})
    if going:
        transition_items(order, going, F.RECEIVED, actor, reason=reason, siblings=items, before=[done])
        done = None
    if ignored:
        transition_items(order, ignored, F.CANCELED, actor, siblings=items, before=[done] if done else [],
                         reason="Ignored when the order was completed: not made by Platen." if going else reason)
    if going:
        tasks.enqueue_check(order)
    elif Financial.CANCELED in FINANCIAL_TRANSITIONS[Financial(order.financial_status)]:
        transition_financial(order, Financial.CANCELED, actor, reason="Every item was ignored.")
    log.info("not-connected order completed", extra={"order_id": order.pk, "received": len(going), "ignored": len(ignored)})


def _count(things, word: str) -> str:
    return f"{len(things)} {word}{'s' if len(things) != 1 else ''}"


def _scope(scope: str, allowed: dict, verb: str) -> Scope:
    if scope not in allowed:
        raise InvalidRequest(f"Nothing was changed: {verb} applies to {', '.join(allowed)}.",
                             [Detail("scope", f"Use one of: {', '.join(allowed)}.")], code="invalid_scope")
    return Scope(scope)


def _locked_order(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("account").get(pk=order.pk)


def _locked(order: Order, item: OrderItem) -> tuple[Order, Line]:
    order = _locked_order(order)
    if order.fulfillment_status != F.NOT_CONNECTED:
        raise Conflict(f"Order {order.order_reference_id} is {order.fulfillment_status.replace('_', ' ')}, not waiting "
                       "to be completed: nothing was changed.", code="order_not_waiting")
    line = next((line for line in lines(order) if line.item.pk == item.pk), None)
    if line is None:
        raise Conflict(f"Item {item.item_reference_id} is not waiting to be connected: nothing was changed.",
                       code="item_not_waiting")
    return order, line


def _known_variant(line: Line, scope: Scope) -> StoreVariant:
    if line.variant is None or line.variant.deleted_at is not None:
        raise InvalidRequest(
            f"Nothing was changed: Platen does not know item {line.item.item_reference_id} among your store's "
            "products, so it can only be ignored for this order. Sync the store's products to ignore it for "
            "incoming orders.", [Detail("scope", "Use order.")], code="variant_not_known")
    return line.variant


def _connect_for_incoming(order: Order, line: Line, connected: products.Connected, actor: Actor) -> None:
    """The variant is connected; an item known only by its SKU gets a SKU mapping instead."""
    if line.variant is not None and line.variant.deleted_at is None:
        products.connect_variant(line.variant, connected.product.uid, connected.files, actor)
        return
    if not line.sku:
        raise InvalidRequest(
            f"Nothing was changed: Platen does not know item {line.item.item_reference_id} among your store's products "
            "and it has no SKU, so it can only be connected for this order.", [Detail("scope", "Use order.")],
            code="variant_not_known")
    SkuMapping.objects.update_or_create(store_id=order.store_id, sku=line.sku,
                                        defaults={"product_uid": connected.product.uid, "files": connected.files})
    products._retry_waiting(Store.objects.get(pk=order.store_id))


# --- Telling the merchant ------------------------------------------------------------------------------------


def on_history(entries: list[OrderEvent]) -> None:
    """Subscribed to the order history (apps.py): a store order born not connected e-mails the merchant."""
    for e in entries:
        if e.type == events.ORDER_CREATED and e.order.fulfillment_status == F.NOT_CONNECTED:
            notify_not_connected(e.order)


def notify_not_connected(order: Order) -> None:
    """The "order needs action: items not connected" e-mail, naming the items (in the caller's transaction)."""
    open_lines = waiting(order)
    if not open_lines:
        return
    store = Store.objects.filter(pk=order.store_id).first() if order.store_id else None
    emails.queue(order.account_id, EmailKind.NOT_CONNECTED, order=order, context={
        "orderId": str(order.pk), "orderReferenceId": order.order_reference_id, "storeName": str(store or ""),
        "items": [{"reference": line.item.item_reference_id, "name": line.name, "sku": line.sku} for line in open_lines],
    })
