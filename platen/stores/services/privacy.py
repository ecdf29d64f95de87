"""The platforms' privacy requests, handled for real, and the app being uninstalled.

- customers/data_request: what Platen holds of that customer (their orders from this store, found by the
  order ids the platform names and by e-mail) is written up and e-mailed to the merchant, who answers the customer.
- customers/redact: that customer's personal data is erased from this store's orders (shipping address name,
  street, e-mail, phone, tax ids; item personalization), from the store orders' snapshots, from the raw intake
  bodies and from the e-mails kept in the outbox. What accounting needs stays: the order, its items, amounts,
  dates, and the city, postal code, state and country (VAT is by destination).
- shop/redact (48 hours after an uninstall): the same for every order of the store, and the store is disconnected.
- app/uninstalled: the store is disconnected, with the reason in its connection history.
"""

from __future__ import annotations

import json
import logging

from django.db import transaction
from django.db.models import Q, QuerySet

from platen.intake.models import IntakeRequest
from platen.kit.actors import Actor
from platen.notifications.models import OutboxMessage
from platen.orders import events
from platen.orders.models import Address, Order, OrderEvent, OrderItem
from platen.orders.services.store_orders import platform_label
from platen.stores.connectors import base
from platen.stores.models import Store, StoreOrder
from platen.stores.services import connections, merchant_mail
from platen.stores.statuses import StoreStatus

log = logging.getLogger("platen.stores.privacy")

REDACTED = "Redacted"
ERASED = "personal_data_erased"  # the order history entry of an erasure
ERASED_BODY = json.dumps({"redacted": "The customer's personal data was erased at the store's request."})
ADDRESS_ERASED = {"first_name": REDACTED, "last_name": REDACTED, "company_name": "", "address_line1": REDACTED,
                  "address_line2": "", "email": "", "phone": "", "federal_tax_id": "", "state_tax_id": ""}
SNAPSHOT_ERASED = {"first_name": REDACTED, "last_name": REDACTED, "company": "", "address1": REDACTED, "address2": "",
                   "email": "", "phone": ""}


def handle(store: Store, event: base.WebhookEvent) -> str:
    payload = event.payload or {}
    if event.topic == "customers/data_request":
        return data_request(store, payload)
    if event.topic == "customers/redact":
        return redact_customer(store, payload)
    if event.topic == "shop/redact":
        return redact_shop(store)
    return f"Platen does not know the privacy notification {event.topic}; nothing was done."


def uninstalled(store: Store) -> str:
    label = platform_label(store.platform)
    sentence = (f"The Platen app was uninstalled from the store in {label}: orders are no longer imported. "
                "Install the app again and reconnect the store to resume.")
    connections.change_status(store, StoreStatus.DISCONNECTED, Actor.channel(label), reason=sentence)
    return sentence


# --- customers/data_request ---------------------------------------------------------------------------------


def data_request(store: Store, payload: dict) -> str:
    email, ids = _customer(payload)
    who = email or f"customer {(payload.get('customer') or {}).get('id', '?')}"
    rows = list(_store_orders(store, email, ids).select_related("order__shipping_address").order_by("placed_at"))
    orders = list(_orders(store, email, ids, rows).select_related("shipping_address").order_by("created_at"))
    label = platform_label(store.platform)
    request_id = (payload.get("data_request") or {}).get("id")
    lines = [f"{label} store {store} asked, for its customer {who}, what personal data Platen holds"
             + (f" (data request {request_id})." if request_id else ".")]
    if not rows and not orders:
        lines.append("Platen holds no orders of this customer from this store.")
    else:
        lines.append(f"Platen holds {len(rows) or len(orders)} order(s) of this customer from this store:")
        by_order = {o.pk: o for o in orders}
        listed = []
        for row in rows:
            order = by_order.pop(row.order_id, None) if row.order_id else None
            listed.append(_order_line(row.number, row.placed_at, order, row.snapshot))
        listed += [_order_line(o.order_reference_id, o.ordered_at, o, {}) for o in by_order.values()]
        lines.append("\n".join(listed))
        lines.append("For each order Platen keeps the shipping address (name, street, city, postal code, country, "
                     "e-mail and phone), the items with their personalization, and the order's history.")
    lines.append("Send this to the customer as the answer to their request.")
    text = "\n\n".join(lines)
    with transaction.atomic():
        message = merchant_mail.send(store.account_id, f"Data request from a customer of {store}: {who}", text,
                                     context={"storeId": str(store.pk), "privacy": "customers/data_request"})
    numbers = ", ".join(r.number for r in rows) or "none"
    sent = f"the report was e-mailed to {message.to}" if message else "e-mails of this kind are switched off for the account"
    log.info("privacy data request answered", extra={"store_id": store.id, "orders": len(rows)})
    return f"Data request for {who}: orders held {numbers}; {sent}."


def _order_line(number: str, placed_at, order: Order | None, snapshot: dict) -> str:
    address = order.shipping_address if order else None
    where = f"{address.first_name} {address.last_name}, {address.city} {address.country}" if address else \
        ", ".join(filter(None, [(snapshot.get("shipping_address") or {}).get(k, "") for k in ("last_name", "city", "country")]))
    platen = f"Platen order {order.pk} ({order.fulfillment_status.replace('_', ' ')})" if order else "not a Platen order"
    return f"- Store order {number}, placed {placed_at:%d %b %Y}: {platen}; ships to {where or 'no address'}."


# --- Erasing ------------------------------------------------------------------------------------------------


def redact_customer(store: Store, payload: dict) -> str:
    email, ids = _customer(payload)
    with transaction.atomic():
        rows = list(_store_orders(store, email, ids))
        orders = list(_orders(store, email, ids, rows).select_related("shipping_address"))
        _erase(store, rows, orders, extra=[email, str((payload.get("customer") or {}).get("phone") or "")])
    log.info("privacy: customer erased", extra={"store_id": store.id, "orders": len(orders), "store_orders": len(rows)})
    return (f"The customer's personal data was erased from {len(orders)} order(s) and {len(rows)} store order(s); "
            "what accounting needs (items, amounts, dates, city and country) was kept.")


def redact_shop(store: Store) -> str:
    label = platform_label(store.platform)
    with transaction.atomic():
        rows = list(StoreOrder.objects.filter(store=store))
        orders = list(Order.objects.filter(account_id=store.account_id, store_id=store.pk).select_related("shipping_address"))
        _erase(store, rows, orders, extra=[], whole_store=True)
        connections.change_status(store, StoreStatus.DISCONNECTED, Actor.channel(label),
                                  reason=f"{label} asked Platen to erase the shop's customer data (after the app was uninstalled).")
    log.info("privacy: shop erased", extra={"store_id": store.id, "orders": len(orders)})
    return (f"The shop's customer data was erased from {len(orders)} order(s) and {len(rows)} store order(s), "
            "and the store was disconnected.")


def _erase(store: Store, rows: list[StoreOrder], orders: list[Order], *, extra: list[str], whole_store: bool = False) -> None:
    actor = Actor.channel(platform_label(store.platform))
    words = {w for w in extra if w}
    for order in orders:
        a = order.shipping_address
        words |= {w for w in (f"{a.first_name} {a.last_name}".strip(), a.first_name, a.last_name, a.address_line1,
                              a.address_line2, a.email, a.phone, a.company_name) if w and len(w) > 2 and w != REDACTED}
    for row in rows:
        row.snapshot = _erased_snapshot(row.snapshot)
    StoreOrder.objects.bulk_update(rows, ["snapshot"])
    Address.objects.filter(pk__in=[o.shipping_address_id for o in orders]).update(**ADDRESS_ERASED)
    for order in orders:
        if order.customer_reference_id in words or "@" in order.customer_reference_id:
            Order.objects.filter(pk=order.pk).update(customer_reference_id=REDACTED)
    items = list(OrderItem.objects.filter(order__in=orders).exclude(metadata=[]))
    for item in items:
        item.metadata = [{"key": m.get("key", ""), "value": REDACTED} for m in item.metadata]
    OrderItem.objects.bulk_update(items, ["metadata"])
    OrderEvent.objects.filter(order__in=orders, type=events.ADDRESS_UPDATED).update(params={"changed": REDACTED})
    bodies = IntakeRequest.objects.filter(store_id=store.pk)
    if not whole_store:
        found = Q(order__in=orders) | Q(pk__in=[o.intake_request_id for o in orders if o.intake_request_id])
        for word in words:
            if "@" in word or any(c.isdigit() for c in word):  # e-mail and phone: distinctive enough to search
                found |= Q(raw_body__icontains=word)
        bodies = bodies.filter(found)
    bodies.update(raw_body=ERASED_BODY)
    _erase_outbox(OutboxMessage.objects.filter(order__in=orders), words)
    events.save_all([events.event(o, ERASED, actor, reason="The customer's personal data was erased at the store's request.")
                     for o in orders])


def _erased_snapshot(snapshot: dict) -> dict:
    erased = dict(snapshot)
    if erased.get("email"):
        erased["email"] = ""
    if erased.get("shipping_address"):
        erased["shipping_address"] = {**erased["shipping_address"], **SNAPSHOT_ERASED}
    erased["lines"] = [{**line, "properties": {k: REDACTED for k in (line.get("properties") or {})}}
                       for line in erased.get("lines") or []]
    return erased


def _erase_outbox(messages: QuerySet[OutboxMessage], words: set[str]) -> None:
    ordered = sorted(words, key=len, reverse=True)  # the full name before its parts
    for m in messages:
        values = {"subject": m.subject, "body_text": m.body_text, "body_html": m.body_html,
                  "context": json.dumps(m.context)}
        for word in ordered:
            values = {k: v.replace(word, REDACTED) for k, v in values.items()}
        m.subject, m.body_text, m.body_html = values["subject"], values["body_text"], values["body_html"]
        m.context = json.loads(values["context"]) if _is_json(values["context"]) else {}
        m.save(update_fields=["subject", "body_text", "body_html", "context"])


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


# --- Finding the customer's orders --------------------------------------------------------------------------


def _customer(payload: dict) -> tuple[str, list[str]]:
    customer = payload.get("customer") or {}
    ids = payload.get("orders_requested") or payload.get("orders_to_redact") or []
    return str(customer.get("email") or "").strip(), [str(i) for i in ids]


def _store_orders(store: Store, email: str, ids: list[str]) -> QuerySet[StoreOrder]:
    found = Q(external_id__in=ids)
    if email:
        found |= Q(snapshot__email__iexact=email)
    return StoreOrder.objects.filter(found, store=store)


def _orders(store: Store, email: str, ids: list[str], rows: list[StoreOrder]) -> QuerySet[Order]:
    found = Q(external_id__in=ids) | Q(pk__in=[r.order_id for r in rows if r.order_id])
    if email:
        found |= Q(shipping_address__email__iexact=email) | Q(customer_reference_id__iexact=email)
    return Order.objects.filter(found, account_id=store.account_id, store_id=store.pk)
