"""Creating an order from a store order whose lines were resolved (platen.stores.services.importing decides when).

The orders side of a store import: the same rows, pricing, history and checks as an API order (create.insert_new),
built from the platform-blind store order instead of the API's wire model. Nothing here knows the platform.

- A normal order is born `received` and its checks are queued (they move it to failed with problems, or on).
- An address that cannot be used as it is (a field missing, or longer than a shipping label takes) makes the
  order `failed` at once with problems that say what to fix, as the checks would (then "Reprocess").
- A not-connected order (the store imports not-connected orders and a line is not resolved) has every item
  `not_connected` (resolved ones wait too) and no checks queued; completing it moves the items on.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from platen.intake.models import IntakeRequest
from platen.kit.actors import Actor
from platen.orders import events, tasks
from platen.orders.models import Address, ItemFile, Order, OrderItem
from platen.orders.services.building import remember
from platen.orders.services.create import insert_new
from platen.orders.statuses import Financial, Fulfillment, OrderType
from platen.orders.transitions import start, transition_items

log = logging.getLogger("platen.stores.imports")

F = Fulfillment
# Store address field -> (Address column, words for the merchant); required ones must not be blank.
ADDRESS_FIELDS = {
    "first_name": ("first_name", "first name"), "last_name": ("last_name", "last name"),
    "company": ("company_name", "company"), "address1": ("address_line1", "street address"),
    "address2": ("address_line2", "second address line"), "city": ("city", "city"),
    "post_code": ("post_code", "postal code"), "state": ("state", "state"), "country": ("country", "country"),
    "email": ("email", "e-mail address"), "phone": ("phone", "phone number"),
}
REQUIRED = ("address1", "city", "country")
WIRE = {"first_name": "firstName", "last_name": "lastName", "company_name": "companyName",
        "address_line1": "addressLine1", "address_line2": "addressLine2", "city": "city", "post_code": "postCode",
        "state": "state", "country": "country", "email": "email", "phone": "phone"}


def create_order(store, data, resolved: list, *, shipment_method: str, intake_request: IntakeRequest | None,
                 not_connected: bool = False) -> Order:
    """Insert the order for the store order `data` (connectors.base.StoreOrder) in the caller's transaction.
    `resolved`: resolution.ResolvedLine per line; `shipment_method`: the Platen method uid ("" = Platen's choice).
    Raises IntegrityError when the order already exists (the unique (account, channel, store, external id))."""
    actor = Actor.channel(platform_label(store.platform))
    address, problems = store_address(data)
    order = Order(
        account_id=store.account_id, intake_request=intake_request, order_type=OrderType.ORDER,
        order_reference_id=data.number[:255] or data.external_id, customer_reference_id=(data.email or data.number)[:255],
        currency=(data.currency or "EUR").upper()[:3], channel=store.platform, store_id=store.id,
        source_key=str(store.id), external_id=data.external_id, shipping_address=address,
        requested_shipment_method=shipment_method, ordered_at=data.placed_at or timezone.now(),
    )
    born = F.NOT_CONNECTED if not_connected else F.RECEIVED
    start(order, born, Financial.PENDING)
    items, files = _items(order, resolved, born)
    if not_connected:  # born waiting: the merchant connects or ignores each open item (stores.services.completion)
        order.problems = [{"field": f"items[{_position(items, r)}]", "code": r.reason_code,
                           "message": f"{line_words(r.line)} is not connected to a print product: connect or ignore it."}
                          for r in resolved if r.state == "unresolved"]
    history = [events.event(order, events.ORDER_CREATED, actor, params={
        "channel": store.platform, "storeId": str(store.id), "storeOrderNumber": data.number, "items": len(items),
        **({"intakeRequestId": str(intake_request.id)} if intake_request else {})})]
    insert_new(order, items, files, history)
    if problems and not not_connected:  # a not-connected order is checked (address too) once completed
        order.problems = problems
        active = [i for i in items if not i.is_ignored]
        transition_items(order, active, F.FAILED, actor, reason=" ".join(p["message"] for p in problems),
                         siblings=items, order_fields=["problems"])
    elif not not_connected:
        tasks.enqueue_check(order)
    log.info("store order imported", extra={"order_id": order.id, "store_id": store.id, "status": order.fulfillment_status})
    return order


def _items(order: Order, resolved: list, status: F) -> tuple[list[OrderItem], list[ItemFile]]:
    rows, files = [], []
    for n, r in enumerate(resolved):
        line = r.line
        ignored = r.state == "ignored"
        row = OrderItem(
            order=order, position=n, item_reference_id=line.external_id[:255], product_uid=r.product_uid[:255],
            store_product_variant_id=(line.variant_id or "")[:255], quantity=max(int(line.quantity), 1),
            fulfillment_status=F.CANCELED if ignored else status, is_ignored=ignored,
            metadata=[{"key": str(k), "value": str(v)} for k, v in (line.properties or {}).items()],
        )
        row_files = [ItemFile(item=row, position=k, type=f.get("type") or "default", url=f["url"])
                     for k, f in enumerate(r.files or []) if f.get("url")] if not ignored else []
        remember(row, "files", row_files)
        rows.append(row)
        files += row_files
    remember(order, "items", rows)
    return rows, files


def _position(items: list[OrderItem], r) -> int:
    return next(i.position for i in items if i.item_reference_id == r.line.external_id[:255])


def store_address(data) -> tuple[Address, list[dict]]:
    """The order's shipping address from the store's, and what makes it unusable as it is: a missing field, or
    one longer than Platen (and a shipping label) takes. Too long values are kept cut, so the order exists."""
    source = data.shipping_address
    problems = []
    if source is None:
        return Address(first_name="", last_name="", address_line1="", city="", post_code="", country=""), [
            {"field": "shippingAddress", "code": "missing_address",
             "message": "The store order has no shipping address: add one to the order and reprocess it."}]
    values = {}
    for name, (column, words) in ADDRESS_FIELDS.items():
        value = (getattr(source, name) or "").strip()
        if name == "email" and not value:
            value = (data.email or "").strip()
        if name == "country":
            value = value.upper()
        width = Address._meta.get_field(column).max_length
        if len(value) > width:
            problems.append({"field": f"shippingAddress.{WIRE[column]}", "code": "too_long",
                             "message": f"The {words} has {len(value)} characters; at most {width} fit: shorten it "
                                        "and reprocess the order."})
            value = value[:width]
        values[column] = value
    for name in REQUIRED:
        column, words = ADDRESS_FIELDS[name]
        if not values[column]:
            problems.append({"field": f"shippingAddress.{WIRE[column]}", "code": "required",
                             "message": f"The shipping address has no {words}: add it and reprocess the order."})
    if not values["first_name"] and not values["last_name"]:
        problems.append({"field": "shippingAddress.lastName", "code": "required",
                         "message": "The shipping address has no name: add the recipient's name and reprocess the order."})
    return Address(**values), problems


def line_words(line) -> str:
    """A store line as the merchant knows it: "'Poster A3 / Matte' (SKU PA3-M)"."""
    title = f"'{line.title}'" if line.title else f"item {line.external_id}"
    return f"{title} (SKU {line.sku})" if line.sku else title


def platform_label(platform: str) -> str:
    try:
        from platen.stores.connectors import registry

        return registry.connector_class(platform).label
    except (LookupError, ImportError, AttributeError):
        return {"shopify": "Shopify", "bigcommerce": "BigCommerce"}.get(platform, platform.title())
