"""Splitting an order no single facility can make into connected orders (called by routing, in its transaction).

The order keeps the group holding its first item; every other group of items moves into a new order that
copies it (addresses, shipment method, currency, references, metadata) and shares its orderReferenceId and
split_group, so each lists the others in connectedOrderIds. Each part then becomes one production job.

Money stays whole: the merchant was priced for one order, so the parts together cost exactly that. The
receipt lines of the moved items move to the new order's own receipt (same currency and VAT rate, line ids
derived from the new receipt as pricing derives them); shipping was priced once for the whole order and stays
on the original order's receipt (the new parts' shipping price is 0). items_price, total_incl_vat and the
shipment weight move with the lines, so the sums over the parts equal the order as it was priced.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from platen.catalog import services as catalog
from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.models import Address, Order, OrderItem, Receipt, ReceiptItem
from platen.orders.services.pricing import ORDER_RECEIPT
from platen.orders.statuses import Fulfillment

NOT_COPIED = {"id", "shipping_address_id", "return_address_id", "idempotency_key", "external_id", "created_at",
              "updated_at", "problems", "split_group", "shipment_id"}


def split_order(order: Order, items: list[OrderItem], groups: list[list[str]], actor: Actor) -> tuple[list[tuple[Order, list[OrderItem]]], list]:
    """Move every group of item ids but the first item's into a new connected order. Returns the parts (the
    order itself first) with their items, and the history to write (ORDER_SPLIT on each part)."""
    live = [i for i in items if not i.is_ignored and i.fulfillment_status != Fulfillment.CANCELED]
    first = str(live[0].pk)
    groups = sorted(groups, key=lambda g: first not in g)
    by_id = {str(i.pk): i for i in items}
    moved = {key for group in groups[1:] for key in group}
    order.split_group = order.split_group or uuid.uuid4()
    receipt = Receipt.objects.filter(order=order, transaction_type=ORDER_RECEIPT).prefetch_related("items").first()
    rows = {r.reference_id: r for r in receipt.items.all() if r.type == "product"} if receipt else {}
    weights = catalog.product_weights(by_id[k].product_uid for k in moved) if order.total_weight_g is not None else {}
    parts = [(order, [i for i in items if str(i.pk) not in moved])]
    for group in groups[1:]:
        part = _copy(order)  # inserted once its money and weight are known (foreign keys are checked at commit)
        part_items = [by_id[k] for k in group]
        _move_money(order, part, receipt, [rows[k] for k in group if k in rows])
        if order.total_weight_g is not None:
            weight = sum(weights.get(i.product_uid, 0) * i.quantity for i in part_items)
            part.total_weight_g, order.total_weight_g = weight, max(order.total_weight_g - weight, 0)
        part.save(force_insert=True)
        OrderItem.objects.filter(pk__in=group).update(order=part)
        for item in part_items:
            item.order = part
        parts.append((part, part_items))
    order.save(update_fields=["split_group", "items_price", "total_incl_vat", "total_weight_g", "updated_at"])
    ids = [str(p.pk) for p, _ in parts]
    by_order = {str(p.pk): [i.item_reference_id for i in its if not i.is_ignored] for p, its in parts}
    reason = (f"No one facility can make every item, so the order was split into {len(parts)} connected orders "
              "with the same order reference; each goes to its own facility.")
    history = [events.event(p, events.ORDER_SPLIT, actor, reason=reason, params={
        "orderIds": ids, "itemsByOrder": by_order, "splitFrom": str(order.pk)}) for p, _ in parts]
    return parts, history


def _copy(order: Order) -> Order:
    part = Order(**{f.attname: getattr(order, f.attname) for f in Order._meta.concrete_fields if f.attname not in NOT_COPIED})
    part.id = uuid.uuid4()
    part.shipping_address = _copy_address(order.shipping_address)
    part.return_address = _copy_address(order.return_address) if order.return_address_id else None
    part.problems, part.split_group = [], order.split_group
    part.shipment_id = uuid.uuid5(part.id, "shipment") if order.shipment_id else None
    return part


def _copy_address(address: Address) -> Address:
    copy = Address(**{f.attname: getattr(address, f.attname) for f in Address._meta.concrete_fields if f.attname != "id"})
    copy.save(force_insert=True)
    return copy


def _move_money(order: Order, part: Order, receipt: Receipt | None, rows: list[ReceiptItem]) -> None:
    if receipt is None:
        part.items_price = part.total_incl_vat = None
        part.shipping_price = None if order.shipping_price is None else Decimal("0.00")
        return
    target = Receipt.objects.create(order=part, transaction_type=ORDER_RECEIPT, currency=receipt.currency,
                                    vat_rate=receipt.vat_rate)
    ReceiptItem.objects.bulk_create([ReceiptItem(
        id=uuid.uuid5(target.id, f"{r.type}:{r.reference_id}"), receipt=target, position=n, type=r.type,
        reference_id=r.reference_id, title=r.title, price_base=r.price_base, amount=r.amount, discount=r.discount,
        vat=r.vat) for n, r in enumerate(rows)])
    ReceiptItem.objects.filter(pk__in=[r.pk for r in rows]).delete()
    net = sum((r.price_base * r.amount - r.discount for r in rows), Decimal("0.00"))
    gross = sum((r.price_base * r.amount - r.discount + r.vat for r in rows), Decimal("0.00"))
    part.items_price, part.shipping_price, part.total_incl_vat = net, Decimal("0.00"), gross
    if order.items_price is not None:
        order.items_price -= net
    if order.total_incl_vat is not None:
        order.total_incl_vat -= gross
