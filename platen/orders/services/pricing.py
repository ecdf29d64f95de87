"""The order's shipment and receipt, recorded when its checks pass.

The shipment is *known* once the order has been checked without problems and priced with a chosen
shipment method and fulfillment country: from then on the order has a shipment id, delivery dates
(the method's delivery days counted from the day of the checks), a total weight (the catalog's weight of
one piece x quantity, summed) and one package holding every active item (tracking is filled in when it
ships). Before that, or when the checks fail, the API shows `shipment: null`.

The receipt (transaction type "order") is written at the same moment, with one item per product line and
one for shipping, priced from the catalog (net prices) plus the VAT rate of the destination country
(catalog data). It is rewritten when the order is checked again (a reprocess), never duplicated.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from platen.catalog import services as catalog
from platen.catalog.services import LineFacts, OrderFacts
from platen.orders.models import Order, OrderItem, Receipt, ReceiptItem
from platen.orders.statuses import Fulfillment

CENT = Decimal("0.01")
ORDER_RECEIPT = "order"
PRICING_FIELDS = ["shipment_id", "min_delivery_date", "max_delivery_date", "total_weight_g", "total_incl_vat",
                  "items_price", "shipping_price", "shipment_method_uid", "shipment_method_name", "min_delivery_days",
                  "max_delivery_days", "fulfillment_country"]


def record(order: Order, items: list[OrderItem]) -> None:
    """Know the shipment and write the receipt of a checked order (in the caller's transaction); the caller
    saves PRICING_FIELDS. An order that cannot be priced in full has neither."""
    lines = [i for i in items if not i.is_ignored and i.fulfillment_status != Fulfillment.CANCELED]
    address = order.shipping_address
    evaluation = catalog.evaluate_order(OrderFacts(
        country=address.country, state=address.state or None, phone=address.phone or None,
        federal_tax_id=address.federal_tax_id or None, currency=order.currency,
        shipment_method=order.shipment_method_uid or order.requested_shipment_method or None,
        lines=[LineFacts(str(i.id), i.product_uid, i.quantity, i.page_count) for i in lines],
    ))
    shipment = evaluation.shipment
    if not lines or shipment is None or len(evaluation.line_prices) != len(lines):
        forget(order)
        return
    today = timezone.now().date()
    weights = catalog.product_weights(i.product_uid for i in lines)
    order.shipment_id = order.shipment_id or uuid.uuid4()
    order.shipment_method_uid, order.shipment_method_name = shipment.method_uid, shipment.method_name
    order.min_delivery_days, order.max_delivery_days = shipment.min_delivery_days, shipment.max_delivery_days
    order.fulfillment_country = shipment.fulfillment_country
    order.min_delivery_date = today + timedelta(days=shipment.min_delivery_days)
    order.max_delivery_date = today + timedelta(days=shipment.max_delivery_days)
    order.total_weight_g = sum(weights.get(i.product_uid, 0) * i.quantity for i in lines)
    order.items_price = evaluation.items_price
    order.shipping_price = shipment.price
    order.total_incl_vat = _write_receipt(order, lines, evaluation.line_prices, shipment)


def forget(order: Order) -> None:
    """The order is not (or no longer) priced: no shipment, no receipt."""
    order.shipment_id = order.min_delivery_date = order.max_delivery_date = None
    order.total_weight_g = order.total_incl_vat = None
    Receipt.objects.filter(order=order, transaction_type=ORDER_RECEIPT).delete()


def _write_receipt(order: Order, lines: list[OrderItem], line_prices: dict, shipment) -> Decimal:
    rate = catalog.vat_rate(order.shipping_address.country)
    receipt, _ = Receipt.objects.update_or_create(order=order, transaction_type=ORDER_RECEIPT,
                                                  defaults={"currency": order.currency, "vat_rate": rate})
    receipt.items.all().delete()
    names = catalog.product_names(i.product_uid for i in lines)
    rows = [
        ReceiptItem(receipt=receipt, position=n, type="product", reference_id=str(item.id),
                    title=names.get(item.product_uid, item.product_uid),
                    price_base=(line_prices[str(item.id)] / item.quantity).quantize(CENT), amount=item.quantity,
                    vat=vat(line_prices[str(item.id)], rate))
        for n, item in enumerate(lines)
    ]
    rows.append(ReceiptItem(receipt=receipt, position=len(rows), type="shipping", reference_id=str(order.shipment_id),
                            title=shipment.method_name, price_base=shipment.price, amount=1,
                            vat=vat(shipment.price, rate)))
    ReceiptItem.objects.bulk_create(rows)
    total = sum(line_prices[str(i.id)] for i in lines) + shipment.price
    return total + sum(r.vat for r in rows)


def vat(net: Decimal, rate: Decimal) -> Decimal:
    return (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
