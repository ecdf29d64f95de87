"""Changes a merchant or operator makes to an existing order."""

from __future__ import annotations

import json

from django.db import transaction

from platen.kit.actors import Actor
from platen.kit.errors import Conflict, Detail, InvalidRequest
from platen.orders import events, rules, tasks
from platen.orders.checks import address_problems, check_order
from platen.orders.models import Address, ItemFile, Order
from platen.orders.schemas import AddressIn, DraftPatchIn
from platen.orders.services import pricing
from platen.orders.services.building import address_values, create_items, new_address
from platen.orders.services.queries import locked_order
from platen.orders.statuses import FINANCIAL_TRANSITIONS, Financial, Fulfillment, OrderType
from platen.orders.transitions import transition_financial, transition_items


def cancel(account, order_id, actor: Actor, reason: str = "") -> Order:
    with transaction.atomic():
        order = locked_order(account, order_id)
        items = list(order.items.all())
        active = [i for i in items if i.fulfillment_status != Fulfillment.CANCELED]
        if not active:
            return order  # already canceled: asking again changes nothing
        _refuse(rules.edit_refusal(items, "canceled"))
        events.record(order, events.CANCEL_REQUESTED, actor, reason=reason)
        transition_items(order, active, Fulfillment.CANCELED, actor, reason=reason or "Canceled on request.", siblings=items)
        if Financial.CANCELED in FINANCIAL_TRANSITIONS[Financial(order.financial_status)]:
            transition_financial(order, Financial.CANCELED, actor, reason="The order was canceled.")
        return order


def update_shipping_address(account, order_id, data: AddressIn, actor: Actor) -> Order:
    with transaction.atomic():
        order = locked_order(account, order_id)
        _refuse(rules.edit_refusal(list(order.items.all()), "changed"))
        address = order.shipping_address
        if data.country != address.country:
            raise Conflict(
                f"The country of a shipping address cannot change (it is {address.country}). "
                "Cancel this order and create a new one for the other country.",
                code="country_change_refused",
                details=[Detail("country", f"Keep {address.country}.")],
            )
        candidate = Address(**address_values(data))
        problems = address_problems(candidate, "shippingAddress", order.shipment_method_uid or None)
        if problems:
            raise InvalidRequest("The new address is not valid; nothing was changed.",
                                 [Detail(p.field, p.message) for p in problems], code="invalid_address")
        changed = _apply(address, address_values(data))
        if changed:
            address.save()
            order.save(update_fields=["updated_at"])
            events.record(order, events.ADDRESS_UPDATED, actor, params={"changed": changed})
            _recheck_address(order)
        return order


def patch_draft(account, order_id, patch: DraftPatchIn, actor: Actor) -> Order:
    with transaction.atomic():
        order = locked_order(account, order_id)
        _require_draft(order, "changed with PATCH")
        changed = _apply(order, {
            "order_reference_id": patch.orderReferenceId, "customer_reference_id": patch.customerReferenceId,
            "currency": patch.currency, "requested_shipment_method": patch.shipmentMethodUid,
            "metadata": None if patch.metadata is None else [m.model_dump() for m in patch.metadata],
        })
        if patch.shippingAddress is not None:
            address_changes = _apply(order.shipping_address, address_values(patch.shippingAddress))
            if address_changes:
                order.shipping_address.save()
                changed["shippingAddress"] = address_changes
        if patch.returnAddress is not None:
            order.return_address = new_address(patch.returnAddress)
            changed["returnAddress"] = "replaced"
        if patch.items is not None:
            order.items.all().delete()
            create_items(order, patch.items, Fulfillment.DRAFT)
            changed["items"] = [i.itemReferenceId for i in patch.items]
        if changed:
            pricing.price(order, list(order.items.all()))  # a draft's receipt follows its changes
        order.save()
        if changed:
            events.record(order, events.DRAFT_UPDATED, actor, params={"changed": _jsonable(changed)})
        if patch.orderType == OrderType.ORDER:
            _submit(order, actor)
        return order


def delete_draft(account, order_id, actor: Actor) -> None:
    with transaction.atomic():
        order = locked_order(account, order_id)
        _require_draft(order, "deleted; cancel it instead")
        addresses = [a for a in (order.shipping_address, order.return_address) if a is not None]
        order.delete()
        for address in addresses:
            address.delete()


def reprocess(account, order_id, actor: Actor) -> Order:
    with transaction.atomic():
        order = locked_order(account, order_id)
        items = list(order.items.all())
        stuck = rules.stuck_items(items)
        if not stuck:
            if order.fulfillment_status == Fulfillment.NOT_CONNECTED:
                raise Conflict("This store order has items that are not connected to a print product: complete the order "
                               "(connect or ignore each item) instead of reprocessing it.", code="order_not_connected")
            raise Conflict(f"Only failed orders can be reprocessed; this order is {order.fulfillment_status}.",
                           code="nothing_to_reprocess")
        events.record(order, events.REPROCESS_REQUESTED, actor)
        # The merchant may have replaced a print file at its URL: fetch and check the stuck items' files anew
        # (an uploaded file is already stored: only checked again).
        files = ItemFile.objects.filter(item__in=stuck)
        files.filter(uploaded_as="").update(content_sha256="", size=None, detected_type="", fetch_attempts=0, preflight=None)
        files.exclude(uploaded_as="").update(fetch_attempts=0, preflight=None)
        transition_items(order, stuck, Fulfillment.RECEIVED, actor, reason="Reprocess requested.", siblings=items)
        tasks.enqueue_check(order)
        return order


def _recheck_address(order: Order) -> None:
    """The old address's problems go at once; what the new one still has (the catalog's rules) stays."""
    if not any(_about_address(p["field"]) for p in order.problems):
        return
    items = [i for i in order.items.all() if not i.is_ignored and i.fulfillment_status != Fulfillment.CANCELED]
    fresh = [{"field": p.field, "code": p.code, "message": p.message}
             for p in check_order(order, items, order.shipping_address).problems if _about_address(p.field)]
    order.problems = [p for p in order.problems if not _about_address(p["field"])] + fresh
    order.save(update_fields=["problems", "updated_at"])


def _about_address(field: str) -> bool:
    return field.startswith("shippingAddress")


def _submit(order: Order, actor: Actor) -> None:
    order.order_type = OrderType.ORDER
    order.save(update_fields=["order_type", "updated_at"])
    events.record(order, events.DRAFT_SUBMITTED, actor)
    transition_financial(order, Financial.PENDING, actor, reason="The draft was submitted.")
    items = list(order.items.all())
    transition_items(order, items, Fulfillment.RECEIVED, actor, reason="The draft was submitted.", siblings=items)
    tasks.enqueue_check(order)


def _refuse(refusal: Conflict | None) -> None:
    if refusal is not None:
        raise refusal


def _require_draft(order: Order, verb: str) -> None:
    if order.order_type != OrderType.DRAFT:
        raise Conflict(f"Only drafts can be {verb}; this order was already submitted.", code="not_a_draft")


def _apply(row, values: dict) -> dict:
    """Set the given non-None values on `row`; return {field: {"from", "to"}} for those that differ."""
    changed = {}
    for field, value in values.items():
        if value is None:
            continue
        if getattr(row, field) != value:
            changed[field] = {"from": getattr(row, field), "to": value}
            setattr(row, field, value)
    return changed


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))
