"""The order's price and receipt (from the order's creation on), and its shipment (once its checks pass).

Price. An order (or a draft) is priced when it is created, in the create's transaction, from the cached catalog
snapshot (no query but the writes), and again each time its checks run or a draft changes. It is *priceable*
when the catalog prices every active item in the order's currency and a shipment method delivers it to the
destination. Then its receipt (transaction type "order") holds one item per product line and one for shipping:
the catalog's net prices plus the VAT rate of the destination country (catalog data), and `totalInclVat` is
set. When it is not priceable (an unknown product, no price in the currency, no method to the destination),
`totalInclVat` is null and there is no receipt; the checks say why, and a later pricing after a fix writes it.
Pricing again updates the one receipt in place (same id), never adds a second one: `write` is its only writer.

The receipt's shipping line does not wait for the shipment: its referenceId is the order's shipment id, which is
derived from the order's id (`shipment_uuid`), so it is the same before and after the shipment is known.

Shipment. The shipment is *known* once the order has been checked without problems: from then on the order has
a shipment id, delivery dates (the method's delivery days counted from the day of the checks), a total weight
(the catalog's weight of one piece x quantity, summed) and one package holding every active item (tracking is
filled in when it ships). Before that, or when the checks fail, the API shows `shipment: null`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from platen.catalog import services as catalog
from platen.catalog.services import LineFacts, OrderFacts, ShipmentChoice
from platen.orders.models import Order, OrderItem, Receipt, ReceiptItem
from platen.orders.services.building import remember
from platen.orders.statuses import Fulfillment

CENT = Decimal("0.01")
ORDER_RECEIPT = "order"
PRICE_FIELDS = ["items_price", "shipping_price", "total_incl_vat"]
SHIPMENT_FIELDS = ["shipment_id", "min_delivery_date", "max_delivery_date", "total_weight_g", "shipment_method_uid",
                   "shipment_method_name", "min_delivery_days", "max_delivery_days", "fulfillment_country"]
PRICING_FIELDS = PRICE_FIELDS + SHIPMENT_FIELDS
LINE_VALUES = ["position", "title", "price_base", "amount", "discount", "vat"]  # what a receipt line bills


@dataclass(frozen=True)
class Priced:
    """The catalog's price of an order, worked out in memory; `write` stores its receipt."""

    shipment: ShipmentChoice | None  # the method the catalog chooses (None when none delivers)
    receipt: Receipt | None  # unsaved, None when the order cannot be priced
    rows: list[ReceiptItem]


def compute(order: Order, items: list[OrderItem]) -> Priced:
    """Price the order from the cached catalog (no query) and set its PRICE_FIELDS; nothing is written."""
    lines = _active(items)
    address = order.shipping_address
    evaluation = catalog.evaluate_order(OrderFacts(
        country=address.country, state=address.state or None, phone=address.phone or None,
        federal_tax_id=address.federal_tax_id or None, currency=order.currency,
        shipment_method=order.requested_shipment_method or None,
        lines=[LineFacts(str(i.id), i.product_uid, i.quantity, i.page_count) for i in lines],
    ))
    shipment = evaluation.shipment
    order.items_price = evaluation.items_price
    order.shipping_price = shipment.price if shipment else None
    if not lines or shipment is None or evaluation.items_price is None:
        order.total_incl_vat = None
        return Priced(shipment, None, [])
    receipt, rows = _receipt(order, lines, evaluation.line_prices, shipment)
    order.total_incl_vat = sum((r.price_base * r.amount + r.vat for r in rows), Decimal("0.00"))
    return Priced(shipment, receipt, rows)


def write(order: Order, priced: Priced, *, new: bool = False) -> None:
    """Store the order's one receipt as priced (the only writer of receipts). A `new` order's is inserted (no
    query but the inserts; the presenter reads it from memory). An existing one is updated in place: same id,
    each line keeps its id (derived from what it bills) and changes only when its price does; or it is deleted
    when the order can no longer be priced."""
    receipt = priced.receipt
    if new:
        if receipt is not None:
            receipt.save(force_insert=True)
            ReceiptItem.objects.bulk_create(_identified(receipt, priced.rows))
            remember(receipt, "items", priced.rows)
        remember(order, "receipts", [receipt] if receipt else [])
        return
    existing = Receipt.objects.filter(order=order, transaction_type=ORDER_RECEIPT).first()
    if receipt is None:
        if existing is not None:
            existing.delete()
        return
    if existing is None:
        receipt.save(force_insert=True)
        ReceiptItem.objects.bulk_create(_identified(receipt, priced.rows))
        return
    if (existing.currency, existing.vat_rate) != (receipt.currency, receipt.vat_rate):
        existing.currency, existing.vat_rate = receipt.currency, receipt.vat_rate
        existing.save(update_fields=["currency", "vat_rate", "updated_at"])
    _update_lines(existing, _identified(existing, priced.rows))


def _identified(receipt: Receipt, rows: list[ReceiptItem]) -> list[ReceiptItem]:
    for row in rows:
        row.receipt = receipt
        row.id = uuid.uuid5(receipt.id, f"{row.type}:{row.reference_id}")
    return rows


def _update_lines(receipt: Receipt, rows: list[ReceiptItem]) -> None:
    old = {row.id: row for row in receipt.items.all()}
    changed = [row for row in rows if row.id in old and _values(row) != _values(old[row.id])]
    now = timezone.now()
    for row in changed:
        row.created_at, row.updated_at = old[row.id].created_at, now
    ReceiptItem.objects.bulk_update(changed, [*LINE_VALUES, "updated_at"])
    ReceiptItem.objects.bulk_create([row for row in rows if row.id not in old])
    ReceiptItem.objects.filter(pk__in=old.keys() - {row.id for row in rows}).delete()


def _values(row: ReceiptItem) -> tuple:
    return tuple(getattr(row, name) for name in LINE_VALUES)


def price(order: Order, items: list[OrderItem]) -> ShipmentChoice | None:
    """Price an existing order again and rewrite its receipt (in the caller's transaction, which saves
    PRICE_FIELDS); returns the method the catalog chooses for it."""
    priced = compute(order, items)
    write(order, priced)
    return priced.shipment


def record(order: Order, items: list[OrderItem], *, checked: bool) -> None:
    """After the checks: price the order again and note the method chosen for it (a failed order shows it too);
    know its shipment when the checks passed (`checked`) and it is priced, else it has none. The caller saves
    PRICING_FIELDS."""
    shipment = price(order, items)
    if shipment is not None:
        order.shipment_method_uid, order.shipment_method_name = shipment.method_uid, shipment.method_name
        order.min_delivery_days, order.max_delivery_days = shipment.min_delivery_days, shipment.max_delivery_days
        order.fulfillment_country = shipment.fulfillment_country
    if not checked or shipment is None or order.total_incl_vat is None:
        forget_shipment(order)
        return
    lines = _active(items)
    today = timezone.now().date()
    weights = catalog.product_weights(i.product_uid for i in lines)
    order.shipment_id = shipment_uuid(order)
    order.min_delivery_date = today + timedelta(days=shipment.min_delivery_days)
    order.max_delivery_date = today + timedelta(days=shipment.max_delivery_days)
    order.total_weight_g = sum(weights.get(i.product_uid, 0) * i.quantity for i in lines)


def forget_shipment(order: Order) -> None:
    """The order's shipment is not (or no longer) known; its price and receipt stay as priced."""
    order.shipment_id = order.min_delivery_date = order.max_delivery_date = order.total_weight_g = None


def shipment_uuid(order: Order) -> uuid.UUID:
    """The id of the order's shipment: the one it was given (orders shipped before this rule keep theirs), else
    one derived from the order's id, so the receipt's shipping line can name it before the shipment is known."""
    return order.shipment_id or uuid.uuid5(order.id, "shipment")


def _receipt(order: Order, lines: list[OrderItem], line_prices: dict,
             shipment: ShipmentChoice) -> tuple[Receipt, list[ReceiptItem]]:
    rate = catalog.vat_rate(order.shipping_address.country)
    receipt = Receipt(order=order, transaction_type=ORDER_RECEIPT, currency=order.currency, vat_rate=rate)
    names = catalog.product_names(i.product_uid for i in lines)
    rows = [
        ReceiptItem(receipt=receipt, position=n, type="product", reference_id=str(item.id),
                    title=names.get(item.product_uid, item.product_uid),
                    price_base=(line_prices[str(item.id)] / item.quantity).quantize(CENT), amount=item.quantity,
                    vat=vat(line_prices[str(item.id)], rate))
        for n, item in enumerate(lines)
    ]
    rows.append(ReceiptItem(receipt=receipt, position=len(rows), type="shipping", reference_id=str(shipment_uuid(order)),
                            title=shipment.method_name, price_base=shipment.price, amount=1,
                            vat=vat(shipment.price, rate)))
    return receipt, rows


def vat(net: Decimal, rate: Decimal) -> Decimal:
    return (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _active(items: list[OrderItem]) -> list[OrderItem]:
    return [i for i in items if not i.is_ignored and i.fulfillment_status != Fulfillment.CANCELED]
