"""What a partner does to a routed order, from the pages and the API alike: start, print, pack, ship, fail.

Every step moves the items through the orders' transition table (never around it), in one transaction with
the job locked, and writes the history with the partner as actor. A step asked again for items that are
already there or further changes nothing and answers the same (`Outcome.changed` is False): partners retry.
Production walks forward one status at a time, so a partner that reports `printed` for an order it never
acknowledged still gives the history its `in_production` step.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from platen.kit.actors import Actor
from platen.kit.errors import Conflict, Detail, InvalidRequest
from platen.orders import events
from platen.orders.models import Order, OrderEvent, OrderItem, Package
from platen.orders.statuses import Fulfillment, can_move
from platen.orders.transitions import TransitionRefused, transition_items
from platen.production import shipping
from platen.production.models import Carrier, ProductionJob
from platen.production.services.jobs import locked_job

F = Fulfillment
# The production path; PACKAGED is optional (a partner may ship straight from printed).
FORWARD = (F.CREATED, F.IN_PRODUCTION, F.PRINTED, F.PACKAGED, F.SHIPPED, F.IN_TRANSIT, F.DELIVERED)
DONE_OR_GONE = frozenset({F.CANCELED, F.RETURNED})


@dataclass
class Outcome:
    job: ProductionJob
    changed: bool
    moved: list[OrderItem] = field(default_factory=list)


# The steps a status report drives take two more arguments (services/reports.py):
#   job=   a job the caller already locked (services/jobs.locked_job) in its open transaction: the step runs in
#          that transaction and lock instead of opening and locking its own;
#   lead=  unsaved history that goes first, written in the step's own history insert, and only when the step
#          changes something (the report itself: a report that changes nothing leaves no trace).


def start(partner, order_id, actor: Actor, *, item_ids=None, reason: str = "", job: ProductionJob | None = None,
          lead: list[OrderEvent] = ()) -> Outcome:
    """The partner took the job: created -> in_production."""
    return _advance(partner, order_id, F.IN_PRODUCTION, actor, item_ids, reason or "The print partner started production.", job, lead)


def mark_printed(partner, order_id, actor: Actor, *, item_ids=None, reason: str = "", job: ProductionJob | None = None,
                 lead: list[OrderEvent] = ()) -> Outcome:
    return _advance(partner, order_id, F.PRINTED, actor, item_ids, reason or "Printed.", job, lead)


def pack(partner, order_id, scanned: list[str], actor: Actor, *, job: ProductionJob | None = None) -> Outcome:
    """printed -> packaged, only when what was scanned or ticked is exactly the order's printed items
    (itemReferenceIds or item ids, one per piece or one per item); anything else is refused and nothing changes."""
    with _locked(partner, order_id, job) as job:
        items = _items(job.order)
        live = [i for i in items if i.fulfillment_status not in DONE_OR_GONE and not i.is_ignored]
        if live and all(_at_or_after(i, F.PACKAGED) for i in live):
            return Outcome(job, changed=False)
        expected = {i.item_reference_id: i for i in live}
        seen = {_reference(code, items) for code in scanned if code.strip()}
        missing = [ref for ref in expected if ref not in seen]
        extra = sorted(ref for ref in seen if ref not in expected)
        if missing or extra:
            details = [Detail(ref, "Not scanned: find this item before packing.") for ref in missing]
            details += [Detail(ref, "Not part of this order: put it aside.") for ref in extra]
            raise InvalidRequest("What was scanned does not match the order; nothing was packed.", details, code="packing_mismatch")
        not_printed = [i for i in live if i.fulfillment_status != F.PRINTED]
        if not_printed:
            raise Conflict(f"Item {not_printed[0].item_reference_id} is {not_printed[0].fulfillment_status}; "
                           "only printed items can be packed.", code="not_printed")
        transition_items(job.order, live, F.PACKAGED, actor, reason="Items verified against the order and packed.", siblings=items)
        events.record(job.order, events.ITEMS_PACKED, actor, params={"itemReferenceIds": sorted(expected)})
        job.packed_items = [str(i.pk) for i in live]
        job.save(update_fields=["packed_items", "updated_at"])
        return Outcome(job, changed=True, moved=live)


def ship(partner, order_id, actor: Actor, *, tracking_code: str, tracking_url: str = "", carrier_code: str = "",
         service_name: str = "", item_ids=None, job: ProductionJob | None = None, lead: list[OrderEvent] = ()) -> Outcome:
    """printed or packaged -> shipped, with a package carrying the tracking code; the delivery estimate is
    computed again from today. Repeating the same tracking code changes nothing."""
    tracking_code = (tracking_code or "").strip()
    if not tracking_code:
        raise InvalidRequest("A shipment needs its tracking code.", [Detail("trackingCode", "Enter the carrier's tracking code.")],
                             code="tracking_code_missing")
    with _locked(partner, order_id, job) as job:
        order = job.order
        items = _items(order)
        chosen = _chosen(items, item_ids)
        if order.packages.filter(tracking_code=tracking_code).exists() and all(_at_or_after(i, F.SHIPPED) for i in chosen):
            return Outcome(job, changed=False)
        carrier = _carrier(job, carrier_code)
        package = Package.objects.create(
            order=order, carrier_code=carrier.code if carrier else (carrier_code or "other"),
            carrier_name=carrier.name if carrier else (carrier_code or "Carrier"),
            service_name=service_name or (job.carrier_service.name if job.carrier_service else ""),
            tracking_code=tracking_code, tracking_url=tracking_url or (carrier.tracking_url(tracking_code) if carrier else ""),
            shipped_at=timezone.now(),
        )
        Package.items.through.objects.bulk_create(  # the new package has no items yet: no need to read them first
            [Package.items.through(package=package, orderitem=i) for i in chosen])
        history = [events.event(order, events.TRACKING_CODE_UPDATED, actor, item=item, params={
            "trackingCode": package.tracking_code, "trackingUrl": package.tracking_url, "carrier": package.carrier_name,
            "packageId": str(package.pk), "shipmentMethodName": order.shipment_method_name,
            "shipmentMethodUid": order.shipment_method_uid,
        }) for item in chosen]
        estimate = shipping.update_estimate(order, job, timezone.localdate(), actor, save=False)
        fields = shipping.ESTIMATE_FIELDS if estimate else []
        # The tracking code and the new estimate are written with the move to shipped (one update of the order, one
        # history insert); items already shipped (a second parcel) write them alone.
        moved = _walk(order, items, chosen, F.SHIPPED, actor, f"Shipped with {package.carrier_name}, tracking {tracking_code}.",
                      lead=lead, then=history + estimate, order_fields=fields)
        if not moved:
            if fields:
                order.save(update_fields=fields)
            events.save_all([*lead, *history, *estimate])
        shipping.track(package, carrier)
        return Outcome(job, changed=True, moved=moved)


def fail(partner, order_id, message: str, actor: Actor, *, item_ids=None, job: ProductionJob | None = None,
         lead: list[OrderEvent] = ()) -> Outcome:
    """The partner cannot make it (an `error` report): the items fail with the partner's words as the reason."""
    message = (message or "").strip() or "The print partner reported an error."
    with _locked(partner, order_id, job) as job:
        order = job.order
        items = _items(order)
        chosen = [i for i in _chosen(items, item_ids) if i.fulfillment_status != F.FAILED]
        if not chosen:
            return Outcome(job, changed=False)
        refused = [i for i in chosen if not can_move(i.fulfillment_status, F.FAILED)]
        if refused:
            raise TransitionRefused(f"Item {refused[0].item_reference_id} is {refused[0].fulfillment_status} "
                                    "and can no longer fail in production.")
        order.problems = [*order.problems, {"field": "", "code": "production_error", "message": message}]
        transition_items(order, chosen, F.FAILED, actor, reason=message, siblings=items, before=lead, order_fields=["problems"])
        return Outcome(job, changed=True, moved=chosen)


def cancel(partner, order_id, message: str, actor: Actor, *, item_ids=None, job: ProductionJob | None = None,
           lead: list[OrderEvent] = ()) -> Outcome:
    """The partner cannot make it at all and cancels (a `cancelled` report): refused once printed, as for merchants."""
    with _locked(partner, order_id, job) as job:
        order = job.order
        items = _items(order)
        chosen = [i for i in _chosen(items, item_ids) if i.fulfillment_status != F.CANCELED]
        if not chosen:
            return Outcome(job, changed=False)
        if any(not can_move(i.fulfillment_status, F.CANCELED) for i in chosen):
            raise Conflict("Printed items cannot be canceled.", code="order_already_printed")
        transition_items(order, chosen, F.CANCELED, actor, reason=message or "Canceled by the print partner.", siblings=items,
                         before=lead)
        return Outcome(job, changed=True, moved=chosen)


def _advance(partner, order_id, target: Fulfillment, actor: Actor, item_ids, reason: str, job, lead) -> Outcome:
    with _locked(partner, order_id, job) as job:
        items = _items(job.order)
        chosen = _chosen(items, item_ids)
        moved = _walk(job.order, items, chosen, target, actor, reason, lead=lead)
        return Outcome(job, changed=bool(moved), moved=moved)


@contextmanager
def _locked(partner, order_id, job: ProductionJob | None) -> Iterator[ProductionJob]:
    """The job, locked: the caller's (already locked in its transaction), or locked here in a new transaction."""
    if job is not None:
        yield job
        return
    with transaction.atomic():
        yield locked_job(partner, order_id)


def _walk(order: Order, items: list[OrderItem], chosen: list[OrderItem], target: Fulfillment, actor: Actor, reason: str, *,
          lead: list[OrderEvent] = (), then: list[OrderEvent] = (), order_fields: list[str] = ()) -> list[OrderItem]:
    """Move `chosen` forward to `target` one allowed step at a time; items already there or further stay.
    A canceled item (the merchant canceled before printing) refuses the whole move. `lead` is written with the
    first step, `then` and `order_fields` with the last (nothing of them when nothing moves)."""
    canceled = [i for i in chosen if i.fulfillment_status == F.CANCELED]
    if canceled:
        raise Conflict(f"Item {canceled[0].item_reference_id} was canceled by the merchant; do not produce it.",
                       code="order_canceled")
    behind = [i for i in chosen if not _at_or_after(i, target)]
    if not behind:
        return []
    stray = [i for i in behind if i.fulfillment_status not in FORWARD]
    if stray:
        raise TransitionRefused(f"Item {stray[0].item_reference_id} is {stray[0].fulfillment_status} "
                                f"and cannot move to {target}.")
    while True:
        pending = [i for i in behind if i.fulfillment_status != target]
        if not pending:
            return behind
        for step_to in _next_steps(pending, target):
            group = [i for i in pending if _next(i.fulfillment_status, target) == step_to]
            last = step_to == target and all(i in group or i.fulfillment_status == target for i in pending)
            transition_items(order, group, step_to, actor, reason=reason if step_to == target else "", siblings=items,
                             before=lead, after=then if last else (), order_fields=order_fields if last else ())
            lead = ()


def _next(current: str, target: Fulfillment) -> Fulfillment:
    if can_move(current, target):
        return target
    after = FORWARD[FORWARD.index(F(current)) + 1]
    return F.PRINTED if after == F.PACKAGED and target == F.SHIPPED else after


def _next_steps(items: list[OrderItem], target: Fulfillment) -> list[Fulfillment]:
    steps = {_next(i.fulfillment_status, target) for i in items}
    return sorted(steps, key=FORWARD.index)


def _at_or_after(item: OrderItem, target: Fulfillment) -> bool:
    status = F(item.fulfillment_status)
    return status in FORWARD and FORWARD.index(status) >= FORWARD.index(target) or status == F.RETURNED


def _items(order: Order) -> list[OrderItem]:
    return list(order.items.all())


def _chosen(items: list[OrderItem], item_ids) -> list[OrderItem]:
    """The items a report names (by Platen item id or itemReferenceId), or every live item of the order."""
    live = [i for i in items if not i.is_ignored]
    if not item_ids:
        return [i for i in live if i.fulfillment_status != F.CANCELED] or live
    by_key = {str(i.pk): i for i in live} | {i.item_reference_id: i for i in live}
    unknown = [str(k) for k in item_ids if str(k) not in by_key]
    if unknown:
        raise InvalidRequest("The report names items that are not in this order.",
                             [Detail("items", f"No item {k} in this order.") for k in unknown], code="unknown_item")
    return list({by_key[str(k)].pk: by_key[str(k)] for k in item_ids}.values())


def _reference(code: str, items: list[OrderItem]) -> str:
    code = code.strip()
    for i in items:
        if code in (str(i.pk), i.item_reference_id):
            return i.item_reference_id
    return code


def _carrier(job: ProductionJob, code: str) -> Carrier | None:
    if code:
        return Carrier.objects.filter(code=code).first()
    return job.carrier_service.carrier if job.carrier_service else None
