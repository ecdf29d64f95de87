"""Orders as the wire shows them (the reference's order response, plus Platen's problems, warnings and price)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from platen.orders.models import Address, Order, OrderEvent, OrderItem, Receipt, ReceiptItem
from platen.orders.statuses import Fulfillment
from platen.preflight.downloads import file_link, preview_link

ADDRESS_WIRE = [
    ("firstName", "first_name"), ("lastName", "last_name"), ("companyName", "company_name"),
    ("addressLine1", "address_line1"), ("addressLine2", "address_line2"), ("city", "city"),
    ("postCode", "post_code"), ("state", "state"), ("country", "country"), ("email", "email"),
    ("phone", "phone"), ("isBusiness", "is_business"), ("federalTaxId", "federal_tax_id"),
    ("stateTaxId", "state_tax_id"), ("registrationStateCode", "registration_state_code"),
]


RETURN_ADDRESS_WIRE = [
    ("companyName", "company_name"), ("addressLine1", "address_line1"), ("addressLine2", "address_line2"),
    ("city", "city"), ("postCode", "post_code"), ("state", "state"), ("country", "country"), ("email", "email"),
    ("phone", "phone"),
]
BILLING_WIRE = [
    ("companyName", "company_name"), ("companyNumber", "company_number"), ("companyVatNumber", "company_vat_number"),
    ("recipientName", "recipient_name"), ("addressLine1", "address_line1"), ("addressLine2", "address_line2"),
    ("city", "city"), ("postCode", "post_code"), ("state", "state"), ("country", "country"), ("email", "email"),
    ("phone", "phone"),
]
ZERO = Decimal("0.00")


def address(addr: Address | None) -> dict | None:
    if addr is None:
        return None
    return {wire: getattr(addr, column) for wire, column in ADDRESS_WIRE}


def return_address(addr: Address | None) -> dict | None:
    """The return address in its own shape (no names: it is the sender's), with what was sent."""
    if addr is None:
        return None
    return {wire: getattr(addr, column) or None for wire, column in RETURN_ADDRESS_WIRE}


def billing_entity(account) -> dict | None:
    """Who the receipts are made out to: the account's billing details once complete, null until then (a half
    entity with no address is neither the original's shape nor something its clients can read)."""
    details = getattr(account, "billing_entity", None)
    if details is None or not details.is_complete:
        return None
    return {wire: getattr(details, column) or None for wire, column in BILLING_WIRE}


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def item(i: OrderItem) -> dict:
    files = list(i.files.all())
    processed = [link for f in files if (link := file_link(f.content_sha256, f.detected_type))]
    return {
        "id": str(i.id),
        "itemReferenceId": i.item_reference_id,
        "productUid": i.product_uid or None,
        "storeProductVariantId": i.store_product_variant_id or None,
        "pageCount": i.page_count,
        "quantity": i.quantity,
        "fulfillmentStatus": i.fulfillment_status,
        "isIgnored": i.is_ignored,
        "files": [{"type": f.type, "url": f.url, "processedFileUrl": file_link(f.content_sha256, f.detected_type),
                   "preflight": f.preflight} for f in files],
        # The stored copy of the item's (first) print file, once fetched and checked; never the merchant's URL.
        "processedFileUrl": processed[0] if processed else None,
        "previews": previews(files),
        "options": [],
        "metadata": i.metadata,
    }


def previews(files, *, absolute: bool = True) -> list[dict]:
    return [{"type": f.type, "url": link} for f in files if (link := preview_link(f.content_sha256, absolute=absolute))]


def shipment(o: Order, items: list[OrderItem]) -> dict | None:
    """null until the order is checked and priced with a chosen method (services/pricing.py); then complete."""
    if o.shipment_id is None:
        return None
    parcels = packages(o, items)
    return {
        "id": str(o.shipment_id),
        "shipmentMethodName": o.shipment_method_name,
        "shipmentMethodUid": o.shipment_method_uid,
        "minDeliveryDays": o.min_delivery_days,
        "maxDeliveryDays": o.max_delivery_days,
        "minDeliveryDate": o.min_delivery_date.isoformat(),
        "maxDeliveryDate": o.max_delivery_date.isoformat(),
        "totalWeight": o.total_weight_g,
        "fulfillmentCountry": o.fulfillment_country,  # the routed facility's country once routed
        "packageCount": len(parcels),
        "packages": parcels,
    }


def packages(o: Order, items: list[OrderItem]) -> list[dict]:
    """The parcels handed to carriers (orders.Package), then one parcel still to ship for the live items none of
    them holds yet (its tracking null), so every item that will ship is in exactly one package."""
    shipped = [{"id": str(p.id), "orderItemIds": [str(i.pk) for i in sorted(p.items.all(), key=_position)],
                "trackingCode": p.tracking_code, "trackingUrl": p.tracking_url or None} for p in o.packages.all()]
    in_one = {item_id for p in shipped for item_id in p["orderItemIds"]}
    waiting = [str(i.id) for i in items
               if not i.is_ignored and i.fulfillment_status != Fulfillment.CANCELED and str(i.id) not in in_one]
    if waiting or not shipped:
        shipped.append({"id": str(uuid.uuid5(o.shipment_id, f"package-{len(shipped) + 1}")), "orderItemIds": waiting,
                        "trackingCode": None, "trackingUrl": None})
    return shipped


def _position(i: OrderItem) -> tuple:
    return (i.position, str(i.pk))


def connected_ids(o: Order) -> list[str]:
    """The other orders split from the same request (same account), as queries.attach_connected set them or, for
    one order, read now."""
    if hasattr(o, "connected_ids"):
        return o.connected_ids
    return [str(pk) for pk in o.connected_orders().values_list("pk", flat=True)] if o.split_group else []


def receipt(r: Receipt) -> dict:
    rows = [receipt_item(x, r) for x in r.items.all()]

    def sums(kind: str | None, prefix: str) -> dict:
        chosen = [x for x in rows if kind is None or x["type"] == kind]
        initial, discount, price, vat = (sum((x[k] for x in chosen), ZERO) for k in ("priceInitial", "discount", "price", "vat"))
        if prefix == "total":
            return {"totalInitial": initial, "total": price, "totalVat": vat, "totalInclVat": price + vat,
                    "discount": discount, "discountVat": ZERO, "discountInclVat": discount}
        return {f"{prefix}Initial": initial, f"{prefix}Discount": discount, prefix: price, f"{prefix}Vat": vat,
                f"{prefix}InclVat": price + vat}

    return {
        "id": str(r.id), "orderId": str(r.order_id), "transactionType": r.transaction_type, "currency": r.currency,
        "items": rows, **sums("product", "productsPrice"), **sums("packaging", "packagingPrice"),
        **sums("shipping", "shippingPrice"), **sums(None, "total"),
    }


def receipt_item(x: ReceiptItem, r: Receipt) -> dict:
    initial = x.price_base * x.amount
    price = initial - x.discount
    return {
        "id": str(x.id), "receiptId": str(r.id), "referenceId": x.reference_id, "type": x.type, "title": x.title,
        "currency": r.currency, "priceBase": x.price_base, "amount": x.amount, "priceInitial": initial,
        "discount": x.discount, "price": price, "vat": x.vat, "priceInclVat": price + x.vat,
        "createdAt": x.created_at.isoformat(), "updatedAt": x.updated_at.isoformat(),
    }


def order(o: Order) -> dict:
    items = list(o.items.all())
    return {
        "id": str(o.id),
        "orderType": o.order_type,
        "orderReferenceId": o.order_reference_id,
        "customerReferenceId": o.customer_reference_id,
        "fulfillmentStatus": o.fulfillment_status,
        "financialStatus": o.financial_status,
        "currency": o.currency,
        "channel": o.channel,
        "storeId": str(o.store_id) if o.store_id else None,
        "createdAt": o.created_at.isoformat(),
        "updatedAt": o.updated_at.isoformat(),
        "orderedAt": o.ordered_at.isoformat(),
        "totalInclVat": _money(o.total_incl_vat),
        "connectedOrderIds": connected_ids(o),  # routing splits an order no one facility can make
        "items": [item(i) for i in items],
        "shipment": shipment(o, items),
        "shippingAddress": address(o.shipping_address),
        "billingEntity": billing_entity(o.account),
        "returnAddress": return_address(o.return_address),
        "receipts": [receipt(r) for r in o.receipts.all()],
        "metadata": o.metadata,
        "problems": o.problems,
        "warnings": o.warnings,
        "price": {"items": _money(o.items_price), "shipping": _money(o.shipping_price), "currency": o.currency},
    }


def summary(o: Order) -> dict:
    return {
        "id": str(o.id),
        "orderType": o.order_type,
        "orderReferenceId": o.order_reference_id,
        "customerReferenceId": o.customer_reference_id,
        "fulfillmentStatus": o.fulfillment_status,
        "financialStatus": o.financial_status,
        "channel": o.channel,
        "country": o.shipping_address.country,
        "firstName": o.shipping_address.first_name,
        "lastName": o.shipping_address.last_name,
        "currency": o.currency,
        "totalInclVat": _money(o.total_incl_vat),
        "connectedOrderIds": connected_ids(o),
        "itemsCount": o.items_count if hasattr(o, "items_count") else o.items.count(),
        "storeId": str(o.store_id) if o.store_id else None,
        "createdAt": o.created_at.isoformat(),
        "updatedAt": o.updated_at.isoformat(),
        "orderedAt": o.ordered_at.isoformat(),
    }


def event(e: OrderEvent) -> dict:
    return {
        "id": e.id,
        "type": e.type,
        "itemReferenceId": e.item.item_reference_id if e.item_id and e.item else None,
        "actor": {"kind": e.actor_kind, "id": e.actor_id or None, "label": e.actor_label},
        "reason": e.reason,
        "parameters": e.params,
        "createdAt": e.created_at.isoformat(),
    }
