"""Orders as the wire shows them."""

from __future__ import annotations

from platen.orders.models import Address, Order, OrderEvent, OrderItem

ADDRESS_WIRE = [
    ("firstName", "first_name"), ("lastName", "last_name"), ("companyName", "company_name"),
    ("addressLine1", "address_line1"), ("addressLine2", "address_line2"), ("city", "city"),
    ("postCode", "post_code"), ("state", "state"), ("country", "country"), ("email", "email"),
    ("phone", "phone"), ("isBusiness", "is_business"), ("federalTaxId", "federal_tax_id"),
    ("stateTaxId", "state_tax_id"), ("registrationStateCode", "registration_state_code"),
]


def address(addr: Address | None) -> dict | None:
    if addr is None:
        return None
    return {wire: getattr(addr, column) for wire, column in ADDRESS_WIRE}


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def item(i: OrderItem) -> dict:
    return {
        "id": str(i.id),
        "itemReferenceId": i.item_reference_id,
        "productUid": i.product_uid or None,
        "storeProductVariantId": i.store_product_variant_id or None,
        "pageCount": i.page_count,
        "quantity": i.quantity,
        "fulfillmentStatus": i.fulfillment_status,
        "isIgnored": i.is_ignored,
        "files": [{"type": f.type, "url": f.url, "preflight": f.preflight} for f in i.files.all()],
        "metadata": i.metadata,
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
        "items": [item(i) for i in items],
        "shipment": {
            "shipmentMethodName": o.shipment_method_name or None,
            "shipmentMethodUid": o.shipment_method_uid or o.requested_shipment_method or None,
            "minDeliveryDays": o.min_delivery_days,
            "maxDeliveryDays": o.max_delivery_days,
            "fulfillmentCountry": o.fulfillment_country or None,
            "packages": [],
        },
        "shippingAddress": address(o.shipping_address),
        "returnAddress": address(o.return_address),
        "metadata": o.metadata,
        "problems": o.problems,
        "price": {"items": _money(o.items_price), "shipping": _money(o.shipping_price), "currency": o.currency},
        "receipts": [],
        "connectedOrderIds": [],
    }


def summary(o: Order) -> dict:
    return {
        "id": str(o.id),
        "orderType": o.order_type,
        "orderReferenceId": o.order_reference_id,
        "fulfillmentStatus": o.fulfillment_status,
        "financialStatus": o.financial_status,
        "channel": o.channel,
        "country": o.shipping_address.country,
        "firstName": o.shipping_address.first_name,
        "lastName": o.shipping_address.last_name,
        "currency": o.currency,
        "itemsCount": getattr(o, "items_count", None),
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
