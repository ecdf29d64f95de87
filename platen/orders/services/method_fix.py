"""Fixing a failed order's shipment method in place: another requested method (normal, standard, express, a
method uid, or a comma-separated list of them, as at create), then Reprocess (changes.reprocess).

The change is made whole or refused whole: a method the catalog does not know, or one that does not deliver
this order to its destination, is bad input (400) and changes nothing. Once changed, the order is priced again
(its receipt follows) and its method problems are worked out again at once, so a fixed one no longer shows.
"""

from __future__ import annotations

from platen.catalog import snapshot
from platen.catalog.evaluation import ShipmentOption, evaluate
from platen.catalog.facts import LineFacts, OrderFacts
from platen.catalog.models import ShipmentMethod, ShipmentType
from platen.kit.actors import Actor
from platen.kit.errors import Conflict, Detail, InvalidRequest
from platen.orders import events, rules
from platen.orders.checks import check_order
from platen.orders.models import Order, OrderItem
from platen.orders.services import pricing
from platen.orders.statuses import Fulfillment

FIELD = "shipmentMethodUid"


def change_method(order: Order, items: list[OrderItem], requested: str, actor: Actor) -> None:
    """Make `requested` the locked, failed order's method (in the caller's transaction), or refuse it."""
    requested = ",".join(t.strip() for t in requested.split(",") if t.strip())
    if order.fulfillment_status not in rules.REPROCESSABLE:
        status = str(order.fulfillment_status).replace("_", " ")
        raise Conflict(f"This order is {status}, not failed: its shipment method can be changed only while it "
                       "has failed its checks.", code="order_not_failed")
    _refuse_unknown(requested)
    before = order.requested_shipment_method
    if requested == before:
        return
    order.requested_shipment_method = requested
    active = _active(items)
    refused = [p for p in check_order(order, active, order.shipping_address).problems if _about_method(p.field)]
    if refused:
        raise InvalidRequest("Nothing was changed: this shipment method cannot carry this order.",
                             [Detail(FIELD, p.message) for p in refused], code="change_refused")
    pricing.record(order, items, checked=False)  # priced again, as the create does; the shipment waits for checks
    order.problems = [p for p in order.problems if not _about_method(p["field"])]
    order.save(update_fields=["requested_shipment_method", "problems", *pricing.PRICING_FIELDS, "updated_at"])
    events.record(order, events.SHIPMENT_METHOD_CHANGED, actor, params={
        "shipmentMethodUid": {"from": before, "to": requested},
        "shipmentMethodName": {"from": method_words(before), "to": method_words(requested)}})


def method_words(requested: str) -> str:
    """A requested method as people read it ("DHL Parcel, Express"); "the cheapest" when none was asked."""
    tokens = [t.strip() for t in (requested or "").split(",") if t.strip()]
    if not tokens:
        return "the cheapest"
    names = dict(ShipmentMethod.objects.filter(uid__in=tokens).values_list("uid", "name"))
    types = dict(ShipmentType.choices)
    return ", ".join(names.get(t) or types.get(t.lower()) or t for t in tokens)


def choices(order: Order, items: list[OrderItem]) -> list[ShipmentOption]:
    """The methods that carry this order to its destination, cheapest first, priced for it. The catalog's quote
    (catalog.quote_order) refuses a whole quote for any other problem (a missing phone, say); its evaluation
    still knows the methods, so the merchant can choose one while fixing the rest."""
    address = order.shipping_address
    lines = [LineFacts(str(i.id), i.product_uid, i.quantity, i.page_count) for i in _active(items)]
    if not lines:
        return []
    return evaluate(OrderFacts(country=address.country, state=address.state or None, phone=address.phone or None,
                               federal_tax_id=address.federal_tax_id or None, currency=order.currency,
                               shipment_method=None, lines=lines)).options


def method_problem(order: Order) -> bool:
    return any(_about_method(p["field"]) for p in order.problems)


def _refuse_unknown(requested: str) -> None:
    tokens = requested.split(",") if requested else []
    known = snapshot.current().method_uids
    unknown = [t for t in tokens if t.lower() not in ShipmentType.values and t not in known]
    if unknown:
        message = (f"There is no shipment method {', '.join(map(repr, unknown))}: choose normal, standard or "
                   "express, or a method offered for the destination.")
        raise InvalidRequest(f"Nothing was changed. {message}", [Detail(FIELD, message)], code="unknown_shipment_method")


def _about_method(field: str) -> bool:
    return field == FIELD


def _active(items: list[OrderItem]) -> list[OrderItem]:
    return [i for i in items if not i.is_ignored and i.fulfillment_status != Fulfillment.CANCELED]
