"""Tracking back to the store: a store order's shipments, deliveries and returns told to its platform.

One Fulfillment row per (order, kind, tracking code), made in the transaction that ships (or delivers) the order,
with its push job queued in that same transaction (subscribers.py). The job calls the connector outside any
transaction, then records the outcome: pushed (with the platform's id, a history line); a transient failure is
retried with backoff up to MAX_ATTEMPTS, then failed; the platform refusing Platen's access marks the store
auth_failed and the row waits until the store is reconnected (`resume`); any other refusal fails at once. A
failed row is visible on the order page with a Retry (`retry`), and in the history.

A delivery or return is told only after its shipment reached the store (it names the platform's fulfillment),
and only where the platform has a place for it (Connector.report_delivery answers False where it has none).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from platen.jobs import Retry
from platen.kit.actors import Actor
from platen.kit.errors import Conflict, NotFound
from platen.orders import events
from platen.orders.models import Order, OrderItem, Package
from platen.stores import tasks
from platen.stores.connectors import registry
from platen.stores.connectors.base import AuthFailed, ConnectorError, StoreOrder as StoreOrderData, TrackingPush
from platen.stores.models import Fulfillment, Store, StoreOrder
from platen.stores.services import connections
from platen.stores.statuses import PushState, StoreStatus

log = logging.getLogger("platen.stores.fulfillments")

SHIPPED, DELIVERED, RETURNED = "shipped", "delivered", "returned"
KINDS = (SHIPPED, DELIVERED, RETURNED)
MAX_ATTEMPTS = 16  # with the jobs' backoff (5 s doubling, capped at an hour, full jitter): a few hours of a platform's outage
ACTOR = Actor.system()
UNEXPECTED = "Platen could not send it because of an error on our side; it has been logged."


# --- Queueing (in the transaction that ships or delivers) ---------------------------------------------------


def queue(wanted: Iterable[tuple], whole_orders: Iterable[tuple] = ()) -> list[Fulfillment]:
    """Make the Fulfillment rows for (order_id, kind, tracking_code) and for (order_id, kind) meaning every parcel
    of the order, for orders that came from a store; queue a push job for each new row. Runs in the caller's
    transaction; a row that exists already (the same parcel shipped again) is left alone."""
    wanted, whole_orders = list(wanted), list(whole_orders)
    order_ids = {key[0] for key in [*wanted, *whole_orders]}
    orders = {o.pk: o for o in Order.objects.filter(pk__in=order_ids, store_id__isnull=False)}
    if not orders:
        return []
    linked = _store_orders(orders.values())
    keys = dict.fromkeys((o, k, c) for o, k, c in wanted if o in linked)
    whole = [(o, k) for o, k in whole_orders if o in linked]
    if whole:
        codes = Package.objects.filter(order_id__in={o for o, _ in whole}).values_list("order_id", "tracking_code")
        parcels: dict = {}
        for order_id, code in codes:
            parcels.setdefault(order_id, []).append(code)
        keys.update(dict.fromkeys((o, k, c) for o, k in whole for c in parcels.get(o, [])))
    made = []
    for order_id, kind, code in keys:
        store_order = linked[order_id]
        row = _insert(Fulfillment(store_id=store_order.store_id, store_order=store_order, order_id=order_id, kind=kind,
                                  tracking_code=code or ""))
        if row is not None:
            made.append(row)
            _enqueue(row)
    return made


def _store_orders(orders: Iterable[Order]) -> dict:
    """order id -> the StoreOrder it came from: its own, or (a part split off by routing) its split group's."""
    orders = list(orders)
    groups = {o.split_group for o in orders if o.split_group is not None}
    rows = StoreOrder.objects.filter(Q(order_id__in=[o.pk for o in orders]) | Q(order__split_group__in=groups)) \
        .select_related("order") if groups else StoreOrder.objects.filter(order_id__in=[o.pk for o in orders]).select_related("order")
    by_order = {r.order_id: r for r in rows}
    by_group = {r.order.split_group: r for r in by_order.values() if r.order.split_group is not None}
    found = {}
    for o in orders:
        row = by_order.get(o.pk) or by_group.get(o.split_group)
        if row is not None and row.store_id == o.store_id:
            found[o.pk] = row
    return found


def _insert(row: Fulfillment) -> Fulfillment | None:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None
    return row


def _enqueue(row: Fulfillment) -> None:
    tasks.enqueue_push(row.pk)


def _requeue(rows: Iterable[Fulfillment], *, states=(PushState.WAITING,)) -> int:
    """Rows that waited (or failed) go again: each moves to pending by one conditional update and only the caller
    that moved it queues its job, so a row never has two jobs (a reconnect and a Retry at once, say)."""
    queued = 0
    with transaction.atomic():
        for row in rows:
            if Fulfillment.objects.filter(pk=row.pk, state__in=states).update(state=PushState.PENDING, attempts=0):
                row.state, row.attempts = PushState.PENDING, 0
                _enqueue(row)
                queued += 1
    return queued


# --- Pushing (the job) ------------------------------------------------------------------------------------


def push(fulfillment_id: int) -> str:
    """Tell the store; returns the row's state. Raises jobs.Retry after a transient failure (the job backs off)."""
    row = Fulfillment.objects.select_related("store", "store_order", "order").filter(pk=fulfillment_id).first()
    if row is None or row.state in (PushState.PUSHED, PushState.UNSUPPORTED, PushState.FAILED):
        return row.state if row else ""
    store, label = row.store, platform_label(row.store)
    if store.status != StoreStatus.ACTIVE:
        return _wait(row, f"{label} is not connected: it is sent once the store is reconnected.")
    shipment = None
    if row.kind != SHIPPED:
        shipment = Fulfillment.objects.filter(order_id=row.order_id, kind=SHIPPED, tracking_code=row.tracking_code).first()
        if shipment is None or shipment.state != PushState.PUSHED:
            _wait(row, f"Waits until the shipment reaches {label}.")
            if shipment is not None and Fulfillment.objects.filter(pk=shipment.pk, state=PushState.PUSHED).exists():
                _requeue([row])  # the shipment got there while this looked: its follow-up may have missed this row
            return row.state
    try:
        message = tracking_push(row)
        with connections.connector_for(store) as connector:
            if shipment is None:
                external_id, told = connector.push_fulfillment(message), True
            else:
                external_id, told = shipment.external_id, connector.report_delivery(message, shipment.external_id, row.kind)
    except AuthFailed as exc:
        return _auth_failed(row, exc.message)
    except ConnectorError as exc:
        if exc.transient and row.attempts + 1 < MAX_ATTEMPTS:
            _retrying(row, exc.message)
            raise Retry(reason=exc.message) from exc
        return _failed(row, exc.message)
    except Exception as exc:  # a bug or an unforeseen answer: retried like a transient failure, then visible
        log.exception("store push failed unexpectedly", extra={"fulfillment": row.pk, "order_id": str(row.order_id)})
        if row.attempts + 1 < MAX_ATTEMPTS:
            _retrying(row, UNEXPECTED)
            raise Retry(reason=str(exc)[:200]) from exc
        return _failed(row, UNEXPECTED)
    if not told:
        return _save(row, PushState.UNSUPPORTED, attempts=row.attempts + 1)
    return _pushed(row, external_id or "")


def tracking_push(row: Fulfillment) -> TrackingPush:
    """What the connector sends: the store order's ids, the parcel's tracking and the store lines it holds."""
    store_order = row.store_order
    snapshot = StoreOrderData.from_dict(store_order.snapshot) if store_order.snapshot else None
    package = Package.objects.filter(order_id=row.order_id, tracking_code=row.tracking_code).order_by("-shipped_at").first() \
        if row.tracking_code else None
    items = list(package.items.all()) if package is not None else []
    return TrackingPush(
        order_external_id=store_order.external_id, tracking_number=row.tracking_code,
        tracking_url=package.tracking_url if package else "", carrier=package.carrier_name if package else "",
        lines=store_lines(items, snapshot), order_graphql_id=snapshot.graphql_id if snapshot else "",
    )


def store_lines(items: list[OrderItem], snapshot: StoreOrderData | None) -> tuple[tuple[str, int], ...]:
    """(store line id, quantity) of the parcel's items: an item is its line by reference, else by the store variant
    (when only one line has it), else by position. Empty (every line still to fulfil) when none can be told."""
    if snapshot is None or not snapshot.lines:
        return ()
    lines = snapshot.lines
    by_id = {line.external_id: line for line in lines}
    by_variant: dict = {}
    for line in lines:
        by_variant.setdefault(line.variant_id, []).append(line)
    found: dict[str, int] = {}
    for item in items:
        line = by_id.get(item.item_reference_id)
        if line is None and item.store_product_variant_id and len(by_variant.get(item.store_product_variant_id, [])) == 1:
            line = by_variant[item.store_product_variant_id][0]
        if line is None and item.position < len(lines):
            line = lines[item.position]
        if line is not None:
            found[line.external_id] = found.get(line.external_id, 0) + item.quantity
    return tuple(found.items())


def platform_label(store: Store) -> str:
    try:
        return registry.connector_class(store.platform).label
    except (LookupError, ImportError, AttributeError):
        return store.platform.capitalize()


# --- Outcomes -------------------------------------------------------------------------------------------


def _save(row: Fulfillment, state: PushState, **values) -> str:
    values["state"] = state
    Fulfillment.objects.filter(pk=row.pk).update(**values)
    for name, value in values.items():
        setattr(row, name, value)
    return state


def _pushed(row: Fulfillment, external_id: str) -> str:
    label = platform_label(row.store)
    with transaction.atomic():
        _save(row, PushState.PUSHED, external_id=external_id[:255], pushed_at=timezone.now(), attempts=row.attempts + 1,
              last_error="")
        events.record(row.order, events.STORE_FULFILLMENT_PUSHED, ACTOR, reason=pushed_words(row.kind, label, row.tracking_code),
                      params=_params(row, label, externalId=row.external_id))
        if row.kind == SHIPPED:  # a delivery that waited for this shipment goes now
            _requeue(Fulfillment.objects.filter(order_id=row.order_id, tracking_code=row.tracking_code,
                                                state=PushState.WAITING).exclude(kind=SHIPPED))
    log.info("store push done", extra={"fulfillment": row.pk, "order_id": str(row.order_id), "kind": row.kind})
    return PushState.PUSHED


def _retrying(row: Fulfillment, message: str) -> None:
    _save(row, PushState.RETRYING, attempts=row.attempts + 1, last_error=message[:500])
    log.warning("store push failed; retrying", extra={"fulfillment": row.pk, "order_id": str(row.order_id), "error": message})


def _failed(row: Fulfillment, message: str) -> str:
    label = platform_label(row.store)
    with transaction.atomic():
        _save(row, PushState.FAILED, attempts=row.attempts + 1, last_error=message[:500])
        events.record(row.order, events.STORE_FULFILLMENT_FAILED, ACTOR,
                      reason=f"{_sentence(message)} Choose Retry on the order once it is fixed.",
                      params=_params(row, label, error=message, waiting=False))
    log.warning("store push failed", extra={"fulfillment": row.pk, "order_id": str(row.order_id), "error": message})
    return PushState.FAILED


def _auth_failed(row: Fulfillment, message: str) -> str:
    label = platform_label(row.store)
    with transaction.atomic():
        store = Store.objects.select_for_update().get(pk=row.store_id)
        if store.status == StoreStatus.ACTIVE:
            connections.change_status(store, StoreStatus.AUTH_FAILED, ACTOR, reason=message)
        _save(row, PushState.WAITING, attempts=row.attempts + 1, last_error=message[:500])
        events.record(row.order, events.STORE_FULFILLMENT_FAILED, ACTOR,
                      reason=f"{_sentence(message)} It is sent again once the store is reconnected.",
                      params=_params(row, label, error=message, waiting=True))
    log.warning("store push refused: access", extra={"fulfillment": row.pk, "store_id": str(row.store_id)})
    return PushState.WAITING


def _wait(row: Fulfillment, why: str) -> str:
    return _save(row, PushState.WAITING, last_error=why[:500])


def _sentence(message: str) -> str:
    message = message.strip() or "The platform gave no reason."
    return message if message.endswith((".", "!", "?")) else f"{message}."


def _params(row: Fulfillment, label: str, **more) -> dict:
    return {"platform": row.store.platform, "platformName": label, "kind": row.kind, "trackingCode": row.tracking_code,
            "fulfillmentId": row.pk, **more}


def pushed_words(kind: str, label: str, code: str = "") -> str:
    if kind == DELIVERED:
        return f"Delivery reported to {label}"
    if kind == RETURNED:
        return f"Return reported to {label}"
    return f"Tracking {code} sent to {label}" if code else f"Shipment sent to {label}"


def failed_words(kind: str, label: str) -> str:
    if kind == DELIVERED:
        return f"Reporting the delivery to {label} failed"
    if kind == RETURNED:
        return f"Reporting the return to {label} failed"
    return f"Sending tracking to {label} failed"


# --- The merchant's and the store's part --------------------------------------------------------------------


def retry(account, order_id, fulfillment_id: int, actor: Actor) -> Fulfillment:
    """The Retry on the order page: a failed or waiting push goes again now (the store must be connected)."""
    with transaction.atomic():
        orders = Order.objects.all() if account is None else Order.objects.filter(account=account)
        row = Fulfillment.objects.select_related("store").filter(pk=fulfillment_id, order_id=order_id, order__in=orders).first()
        if row is None:
            raise NotFound("This order has no such push to its store.", code="store_push_not_found")
        if row.state not in (PushState.FAILED, PushState.WAITING):
            raise Conflict("This is not waiting for a retry: it was sent or is being sent.", code="store_push_not_failed")
        if row.store.status != StoreStatus.ACTIVE:
            raise Conflict(f"Reconnect the store {row.store} first: it is sent once the store is connected again.",
                           code="store_not_active")
        if not _requeue([row], states=(PushState.FAILED, PushState.WAITING)):
            raise Conflict("This is being sent already.", code="store_push_not_failed")
    log.info("store push retried", extra={"fulfillment": row.pk, "order_id": str(order_id), "by": actor.label})
    return row


def resume(store_id) -> int:
    """The store is connected again: what waited for it is pushed now. Runs in the reconnect's transaction."""
    return _requeue(Fulfillment.objects.filter(store_id=store_id, state=PushState.WAITING))


def for_order(order: Order) -> list[Fulfillment]:
    """The order's pushes to its store, oldest first (the order page's card)."""
    return list(Fulfillment.objects.filter(order=order).select_related("store").order_by("created_at", "pk"))
