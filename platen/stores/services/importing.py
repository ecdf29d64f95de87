"""THE import of one store order (platform-blind): where every store order Platen sees ends.

Webhooks, pulls, "import now" and the retry after a mapping all come here. One call, one transaction:

1. The StoreOrder row (unique per store and platform id) is created or row-locked, so a webhook and a pull of
   the same order run one after the other. An update older than the one already applied (the store's
   updated_at) changes nothing.
2. An order that already exists (the row's order, or the Order's unique (account, channel, store, external id))
   is never created again: it follows the store only in what may change before printing (cancelled in the
   store -> canceled while cancel is allowed, else the merchant is told it is too late; a new address).
3. Otherwise the rules, in order: placed before the store was connected; placed while the store was not active;
   cancelled in the store; not paid; not awaiting fulfilment (status changed by hand?); every item ignored;
   items not connected / SKUs not mapped; shipping method not mapped; else the order is created.
   Every outcome but imported is a bucket (skipped or waiting) with a reason code and a sentence that names
   the items, SKUs, methods and statuses in the merchant's words.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from pydantic import ValidationError

from platen.intake import services as intake
from platen.intake.models import IntakeRequest
from platen.intake.statuses import Outcome
from platen.kit.actors import Actor
from platen.kit.errors import Detail, PlatenError
from platen.orders import events, rules
from platen.orders.models import Order, OrderEvent
from platen.orders.schemas import AddressIn
from platen.orders.services import changes, store_orders
from platen.orders.services.store_orders import line_words, platform_label
from platen.stores import resolution
from platen.stores.connectors import base
from platen.stores.models import Store, StoreOrder, StoreStatusChange
from platen.stores.reasons import Reason
from platen.stores.services import connections, merchant_mail
from platen.stores.statuses import Bucket, SeenVia, StoreStatus

log = logging.getLogger("platen.stores.imports")

# Order history entries written by imports (not status changes: the order keeps its status).
CANCEL_TOO_LATE = "store_cancel_too_late"
ADDRESS_NOT_APPLIED = "store_address_not_applied"
# What each platform calls the state Platen imports from, for the "status changed by hand" sentence.
AWAITING_WORDS = {"shopify": "Unfulfilled", "bigcommerce": "Awaiting Fulfillment"}
STATUS_WORDS = {StoreStatus.DISCONNECTED: "disconnected", StoreStatus.AUTH_FAILED: "stopped by a failed sign-in"}


@dataclass(frozen=True)
class Decision:
    bucket: Bucket
    reason_code: str = ""
    reason: str = ""
    resolved: list = field(default_factory=list)
    shipment_method: str = ""
    not_connected: bool = False


def import_order(store: Store, data: base.StoreOrder, seen_via: str, intake_request: IntakeRequest | None = None) -> StoreOrder:
    """Record `data` for `store` and import it when the rules allow; idempotent and safe to run concurrently for
    the same order (webhook and pull). Completes `intake_request` (accepted, duplicate or rejected with the
    sentence). Returns the StoreOrder row (its bucket, reason and order)."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _import(store, data, SeenVia(seen_via), intake_request)
        except IntegrityError:
            # A concurrent import won a unique key outside the savepoints below; the next round finds its rows.
            if attempt == 2:
                raise
            if intake_request is not None:
                intake_request.refresh_from_db()
    raise AssertionError("unreachable")


def retry_waiting(store: Store) -> int:
    """Re-evaluate the store's waiting orders from their snapshots (after a SKU or shipping mapping was added);
    returns how many were imported."""
    imported = 0
    for row in StoreOrder.objects.filter(store=store, bucket=Bucket.WAITING).order_by("placed_at"):
        after = import_order(store, base.StoreOrder.from_dict(row.snapshot), row.seen_via)
        imported += after.bucket == Bucket.IMPORTED
    log.info("waiting store orders retried", extra={"store_id": store.id, "imported": imported})
    return imported


def import_now(store_order: StoreOrder) -> StoreOrder:
    """The merchant asks to import a skipped or waiting store order again: read it from the platform again when
    it can be (else from the snapshot) and apply the rules to what the store says now."""
    store = store_order.store
    data = _fetch(store, store_order.external_id) if store.status == StoreStatus.ACTIVE else None
    if data is None:
        data = base.StoreOrder.from_dict(store_order.snapshot)
    request = intake.receive(store.account, store.platform, json.dumps(data.as_dict()),
                             content_type="application/json", store_id=store.id)
    return import_order(store, data, store_order.seen_via, request)


def _fetch(store: Store, external_id: str) -> base.StoreOrder | None:
    try:
        with connections.connector_for(store) as connector:
            return connector.fetch_order(external_id)
    except base.AuthFailed as exc:
        connections.change_status(store, StoreStatus.AUTH_FAILED, Actor.system("store sync"), reason=auth_sentence(store, exc))
    except (base.ConnectorError, LookupError, ImportError):
        log.warning("store order not fetched; using the last copy", exc_info=True, extra={"store_id": store.id})
    return None


def auth_sentence(store: Store, exc: Exception) -> str:
    label = platform_label(store.platform)
    return (f"{label} refused Platen's access token ({exc}): orders are not imported until you reconnect the store "
            "with a valid token.")


# --- One import ----------------------------------------------------------------------------------------------


def _import(store: Store, data: base.StoreOrder, seen_via: SeenVia, request: IntakeRequest | None) -> StoreOrder:
    row, created = _locked_row(store, data, seen_via)
    if not created and _stale(row, data):
        sentence = (f"An older update of order {row.number} (changed {when(data.updated_at)}) arrived after a newer one "
                    f"({when(row.store_updated_at)}); nothing was changed.")
        _complete(request, Outcome.DUPLICATE if row.order_id else Outcome.REJECTED, row.order, sentence)
        row.note = sentence  # what this arrival did (the row keeps the newer state's reason)
        return row
    previous = {} if created else row.snapshot
    if not created:  # a new row was inserted with all of it
        _remember(row, data, seen_via)
    order = _existing_order(store, data, row)
    if order is not None:
        _follow(store, row, order, data, previous)
        _complete(request, Outcome.DUPLICATE, order, "")
        return row
    decision = decide(store, data)
    if decision.bucket != Bucket.IMPORTED:
        _set(row, decision.bucket, decision.reason_code, decision.reason)
        _complete(request, Outcome.REJECTED, None, decision.reason)
        log.info("store order not imported", extra={"store_id": store.id, "store_order": row.number,
                                                     "bucket": decision.bucket, "reason": decision.reason_code})
        return row
    if request is None:  # a retry from the snapshot: the order still gets its intake request
        request = intake.receive(store.account, store.platform, json.dumps(data.as_dict()),
                                 content_type="application/json", store_id=store.id)
    try:
        with transaction.atomic():
            order = store_orders.create_order(store, data, decision.resolved, shipment_method=decision.shipment_method,
                                              intake_request=request, not_connected=decision.not_connected)
    except IntegrityError:
        order = _existing_order(store, data, row)  # made meanwhile by another path (recreate): follow it instead
        if order is None:
            raise
        _follow(store, row, order, data, previous)
        _complete(request, Outcome.DUPLICATE, order, "")
        return row
    row.order = order
    _set(row, Bucket.IMPORTED, "", "")
    _complete(request, Outcome.ACCEPTED, order, "")
    return row


def _locked_row(store: Store, data: base.StoreOrder, seen_via: SeenVia) -> tuple[StoreOrder, bool]:
    rows = StoreOrder.objects.select_for_update(of=("self",)).select_related("order")
    row = rows.filter(store=store, external_id=data.external_id).first()
    if row is not None:
        return row, False
    try:
        with transaction.atomic():
            row = StoreOrder.objects.create(
                store=store, external_id=data.external_id, number=data.number[:100], placed_at=data.placed_at,
                store_updated_at=data.updated_at, store_status=data.store_status[:200], bucket=Bucket.WAITING,
                snapshot=data.as_dict(), seen_via=seen_via)
        return row, True
    except IntegrityError:  # the other path inserted it first: wait for its transaction, then go on from its row
        return rows.get(store=store, external_id=data.external_id), False


def _stale(row: StoreOrder, data: base.StoreOrder) -> bool:
    """Older than what was applied; or as old (platforms stamp to the second) and going back on it: no longer
    cancelled or no longer paid. Stores do not undo those; a late delivery of the earlier state does."""
    if row.store_updated_at is None or data.updated_at > row.store_updated_at:
        return False
    if data.updated_at < row.store_updated_at:
        return True
    before = row.snapshot or {}
    return bool(before.get("cancelled_at") and not data.cancelled_at or before.get("paid") and not data.paid)


def _remember(row: StoreOrder, data: base.StoreOrder, seen_via: SeenVia) -> None:
    row.snapshot = data.as_dict()
    row.number, row.store_status = data.number[:100], data.store_status[:200]
    row.placed_at, row.store_updated_at, row.seen_via = data.placed_at, data.updated_at, seen_via
    # Saved before an order is made: the new order's history subscribers read the lines from this snapshot.
    row.save(update_fields=["snapshot", "number", "store_status", "placed_at", "store_updated_at", "seen_via", "last_seen_at"])


def _set(row: StoreOrder, bucket: Bucket, code: str, reason: str) -> None:
    row.bucket, row.reason_code, row.reason = bucket, code, reason
    row.save()


def _existing_order(store: Store, data: base.StoreOrder, row: StoreOrder) -> Order | None:
    if row.order_id:
        return row.order
    return Order.objects.filter(account_id=store.account_id, channel=store.platform, source_key=str(store.id),
                                external_id=data.external_id).first()


def _complete(request: IntakeRequest | None, outcome: Outcome, order: Order | None, sentence: str) -> None:
    if request is None or request.status != Outcome.RECEIVED:
        return
    intake.complete(request, outcome, order=order, reasons=[Detail("order", sentence)] if sentence else None)


# --- The rules -----------------------------------------------------------------------------------------------


def decide(store: Store, data: base.StoreOrder) -> Decision:
    """Where a store order without a Platen order goes, by the rules in order (module docstring)."""
    label = platform_label(store.platform)
    if data.placed_at < store.connected_at:
        return _skip(Reason.PLACED_BEFORE_CONNECTION,
                     f"Placed {when(data.placed_at)}, before the store was connected to Platen ({when(store.connected_at)}): "
                     "Platen imports only orders placed after connecting. Recreate it in Platen if it should be printed.")
    if not connections.active_between(store, data.placed_at):
        return _skip(Reason.STORE_NOT_ACTIVE,
                     f"Placed {when(data.placed_at)}, while the store's connection to Platen was "
                     f"{_status_then(store, data.placed_at)}: Platen imports only orders placed while the store is connected. "
                     "Recreate it in Platen if it should be printed.")
    if data.cancelled_at is not None:
        return _skip(Reason.CANCELLED_IN_STORE,
                     f"The order was cancelled in {label} ({when(data.cancelled_at)}): there is nothing to print.")
    if not data.paid:
        if data.payment_pending:
            sentence = (f"Payment for the order is still pending in {label} (its status is '{data.store_status}'): "
                        "Platen imports it as soon as the store reports it paid.")
        else:
            sentence = (f"The order is not paid in {label} (its status is '{data.store_status}'): Platen imports only paid "
                        "orders, and imports this one when the store reports it paid.")
        return _skip(Reason.NOT_PAID, sentence)
    if not data.awaiting_fulfillment:
        awaiting = AWAITING_WORDS.get(store.platform, "awaiting fulfilment")
        return _skip(Reason.STATUS_CHANGED,
                     f"The order's status in {label} is '{data.store_status}', not '{awaiting}': Platen imports only paid "
                     "orders awaiting fulfilment; was the status changed by hand?")
    lines = [line for line in data.lines if line.quantity > 0]
    resolved = resolution.resolve_lines(store, lines)
    if not resolved or all(r.state == "ignored" for r in resolved):
        names = ", ".join(line_words(r.line) for r in resolved) or "no items"
        return _skip(Reason.ALL_ITEMS_IGNORED,
                     f"Every item of this order is ignored in Platen ({names}): there is nothing to print.")
    method = resolution.resolve_shipping(store, data.shipping_method)
    unresolved = resolution.unresolved(resolved)
    method_words = "" if method is not None else (
        f"The shipping method '{data.shipping_method}' is not mapped to a Platen shipping method: map it in the store's "
        "settings and the order is imported automatically.")
    if unresolved and store.import_not_connected and method is not None:
        return Decision(Bucket.IMPORTED, resolved=resolved, shipment_method=method, not_connected=True)
    not_connected = [r for r in unresolved if r.reason_code == Reason.PRODUCT_NOT_CONNECTED]
    if not_connected:
        names = ", ".join(line_words(r.line) for r in not_connected)
        verb = "is" if len(not_connected) == 1 else "are"
        return _skip(Reason.PRODUCT_NOT_CONNECTED,
                     f"{names[0].upper()}{names[1:]} {verb} not connected to a print product in Platen: connect it (or switch on "
                     "'Import not connected orders' for the store) and import the order again." + _also(method_words))
    if unresolved:
        skus = ", ".join(sorted({r.line.sku for r in unresolved}))
        plural = len({r.line.sku for r in unresolved}) > 1
        return Decision(Bucket.WAITING, Reason.SKU_NOT_MAPPED,
                        f"The SKU{'s' if plural else ''} {skus} {'are' if plural else 'is'} not mapped to a Platen product "
                        f"({', '.join(line_words(r.line) for r in unresolved)}): add a SKU mapping and the order is "
                        "imported automatically." + _also(method_words))
    if method is None:
        return Decision(Bucket.WAITING, Reason.SHIPPING_METHOD_NOT_MAPPED, method_words)
    return Decision(Bucket.IMPORTED, resolved=resolved, shipment_method=method)


def _skip(code: Reason, sentence: str) -> Decision:
    return Decision(Bucket.SKIPPED, code, sentence)


def _also(sentence: str) -> str:
    return f" Also: {sentence[0].lower()}{sentence[1:]}" if sentence else ""


def _status_then(store: Store, at: datetime) -> str:
    last = StoreStatusChange.objects.filter(store=store, at__lte=at).order_by("-at", "-id").first()
    return STATUS_WORDS.get(last.status, last.status) if last is not None else "not set up yet"


def when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("on %d %b %Y at %H:%M UTC") if moment else "at an unknown time"


# --- An order that exists: follow the store in what may still change -----------------------------------------


def _follow(store: Store, row: StoreOrder, order: Order, data: base.StoreOrder, previous: dict) -> None:
    row.order = order
    reason = ""
    if data.cancelled_at is not None:
        reason = _cancel(store, row, order, data)
    elif _address_changed(previous, data):
        _change_address(store, order, data)
    _set(row, Bucket.IMPORTED, "", reason)


def _cancel(store: Store, row: StoreOrder, order: Order, data: base.StoreOrder) -> str:
    """Cancel the Platen order while cancel is allowed; after printing, say it is too late (once). Returns the
    sentence kept on the store order ("" when canceled)."""
    label = platform_label(store.platform)
    actor = Actor.channel(label)
    refusal = rules.edit_refusal(list(order.items.all()), "canceled")
    if refusal is None:
        row.order = changes.cancel(store.account, order.pk, actor, reason=f"Cancelled in {label} ({when(data.cancelled_at)}).")
        return ""
    if refusal.code != "order_already_printed":
        return ""  # already canceled
    sentence = (f"Order {row.number} was cancelled in {label} {when(data.cancelled_at)}, but Platen had already printed it "
                f"(it is {order.fulfillment_status.replace('_', ' ')}): it can no longer be canceled and will be shipped. "
                f"Refund or contact the customer in {label} if needed.")
    if not OrderEvent.objects.filter(order=order, type=CANCEL_TOO_LATE).exists():
        events.record(order, CANCEL_TOO_LATE, actor, reason=sentence, params={"storeOrderNumber": row.number})
        merchant_mail.send(order.account_id, f"Order {row.number} was cancelled in {label} too late to stop it", sentence,
                           order=order, context={"orderId": str(order.pk), "storeOrderNumber": row.number})
    return sentence


def _address_changed(previous: dict, data: base.StoreOrder) -> bool:
    new = data.as_dict().get("shipping_address")
    return bool(previous) and new is not None and previous.get("shipping_address") != new


def _change_address(store: Store, order: Order, data: base.StoreOrder) -> None:
    """The store's new address through the orders service (refused after printing, for another country, or when
    invalid): a refusal is written into the order's history, so the merchant sees why it did not follow."""
    label = platform_label(store.platform)
    actor = Actor.channel(label)
    address, _ = store_orders.store_address(data)
    wire = {store_orders.WIRE[column]: getattr(address, column) or None for column in store_orders.WIRE}
    try:
        with transaction.atomic():
            changes.update_shipping_address(store.account, order.pk, AddressIn.model_validate(wire), actor)
    except ValidationError as exc:
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        _refused_address(order, actor, label, f"the new address is not complete ({message})")
    except PlatenError as exc:
        _refused_address(order, actor, label, exc.message)


def _refused_address(order: Order, actor: Actor, label: str, why: str) -> None:
    events.record(order, ADDRESS_NOT_APPLIED, actor,
                  reason=f"The shipping address was changed in {label} but not in Platen: {why[0].lower()}{why[1:]}")
