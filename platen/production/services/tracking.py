"""Tracking after `shipped`: webhooks in (verified, stored raw, applied by a job) and carrier checkpoints
applied to packages.

A checkpoint is stored once per tracker (TrackingEvent's unique key: a repeat changes nothing). Checkpoints
are applied in the carrier's own time order, and only one newer than the package's clock (the latest
carrier time already applied, Tracker.last_event_at over its trackers) may move anything, and only forward
(shipped -> in_transit -> delivered / returned, or shipped -> delivered at once). Anything else is written
into the history as a tracking event and moves nothing. Exceptions (lost, damaged, customs hold, failures)
set the package's exception and write shipment_exception; the order's status stays. A return says why
when any checkpoint of the parcel said it (refused, wrong address, not picked up).

Webhooks are applied by a job, not in the request: the aggregator gets its 200 as soon as the raw body is
committed (they retry slow answers), a failure while applying retries with back-off instead of making the
aggregator send again, and the inbox row is the record of what arrived.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max

from platen.kit import encryption
from platen.kit.actors import Actor
from platen.kit.errors import InvalidRequest, NotFound, PlatenError
from platen.orders import events
from platen.orders.models import Order, OrderItem, Package
from platen.orders.statuses import Fulfillment, can_move
from platen.orders.transitions import transition_items
from platen.production import tasks
from platen.production.carriers import mapping, registry
from platen.production.carriers.base import DELIVERED, EXCEPTION, IN_TRANSIT, RETURNED, SHIPPED, Checkpoint, PayloadError, TrackerState
from platen.production.models import Carrier, Tracker, TrackingEvent, TrackingInbox, TrackingSource

log = logging.getLogger("platen.production.tracking")

PURPOSE = "platen.tracking"  # encryption purpose of tracking sources' secrets and carriers' API tokens
F = Fulfillment
RANK = {F.SHIPPED: 0, F.IN_TRANSIT: 1, F.DELIVERED: 2, F.RETURNED: 3}
TARGETS = {IN_TRANSIT: F.IN_TRANSIT, DELIVERED: F.DELIVERED, RETURNED: F.RETURNED}


class InvalidSignature(PlatenError):
    def __init__(self):
        super().__init__("The signature does not match this tracking source's secret; nothing was stored.",
                         [], "invalid_signature", 401)


# --- Webhooks in ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    inbox_id: int
    duplicate: bool


def receive_webhook(source_id, body: bytes, headers: Mapping[str, str]) -> Received:
    """Verify over the raw bytes, then store the body once per (source, event id) and queue its application,
    in one transaction: the caller acknowledges after this returns (after the commit)."""
    source = TrackingSource.objects.filter(pk=source_id).first()
    if source is None:
        raise NotFound("No tracking source has this id: check the webhook URL.", code="tracking_source_not_found")
    provider = registry.provider(source.kind)
    if not provider.verify(body, headers, encryption.decrypt(source.secret_encrypted, PURPOSE)):
        log.warning("tracking webhook refused", extra={"source": str(source.pk), "reason": "signature"})
        raise InvalidSignature()
    event_id = provider.event_id(body)
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbox = TrackingInbox.objects.create(source=source, external_id=event_id, body=body)
        except IntegrityError:
            inbox = TrackingInbox.objects.get(source=source, external_id=event_id)
            return Received(inbox.pk, duplicate=True)
        tasks.enqueue_tracking_webhook(inbox.pk)
    return Received(inbox.pk, duplicate=False)


def apply_inbox(inbox_id: int) -> str:
    """Read a stored webhook and apply it (the job); a row already applied is left alone. Returns the outcome."""
    with transaction.atomic():
        inbox = TrackingInbox.objects.select_for_update().select_related("source").filter(pk=inbox_id).first()
        if inbox is None or inbox.outcome:
            return inbox.outcome if inbox else ""
        provider = registry.provider(inbox.source.kind)
        try:
            event = provider.parse_webhook(bytes(inbox.body))
        except PayloadError as exc:
            outcome = f"Ignored: {exc}"
        else:
            if event.tracker is None:
                outcome = f"Ignored: {event.description or 'an event'} is not about a tracker."
            else:
                outcome = apply(event.tracker, source=inbox.source).outcome
        inbox.outcome = outcome[:200]
        inbox.save(update_fields=["outcome"])
        return inbox.outcome


# --- Applying a tracker's state ---------------------------------------------------------------------


@dataclass
class Applied:
    outcome: str
    tracker: Tracker | None = None
    moved: list[str] = field(default_factory=list)  # the statuses the package's items moved to, in order
    recorded: int = 0  # new checkpoints stored


def apply(state: TrackerState, *, source: TrackingSource | None = None, tracker: Tracker | None = None) -> Applied:
    """Apply what a source or a poll says about one tracker. With `tracker` (polls) the package is known; else
    the tracker is found by (source, its id) or, the first time, by tracking code (and carrier) among shipped
    packages, and created."""
    with transaction.atomic():
        if tracker is None:
            tracker = _tracker_for(state, source)
            if tracker is None:
                return Applied(f"No shipped package has the tracking code {state.tracking_code}.")
        order = Order.objects.select_for_update().get(pk=tracker.package.order_id)
        tracker = Tracker.objects.select_related("package", "source").get(pk=tracker.pk)
        return _apply(order, tracker, state)


def _tracker_for(state: TrackerState, source: TrackingSource | None) -> Tracker | None:
    if state.external_id:
        found = Tracker.objects.select_related("package").filter(source=source, external_id=state.external_id).first()
        if found is not None:
            return found
    package = _package_for(state)
    if package is None:
        return None
    Order.objects.select_for_update().filter(pk=package.order_id).first()  # serialise the tracker's creation
    if state.external_id:
        found = Tracker.objects.filter(source=source, external_id=state.external_id).first()
        if found is not None:
            return found
    # The bare tracker made when the parcel shipped (no source, not polled, nothing heard) becomes this one.
    bare = package.trackers.filter(source=None, external_id="", next_poll_at=None, last_event_at=None).first()
    if bare is not None and source is not None:
        bare.source, bare.external_id = source, state.external_id
        bare.save(update_fields=["source", "external_id"])
        return bare
    return Tracker.objects.create(package=package, source=source, external_id=state.external_id)


def _package_for(state: TrackerState) -> Package | None:
    candidates = list(Package.objects.filter(tracking_code=state.tracking_code).order_by("-shipped_at"))
    if len(candidates) > 1 and state.carrier:
        candidates = [p for p in candidates if _same_carrier(p, state.carrier)] or candidates
    return candidates[0] if candidates else None


def _same_carrier(package: Package, carrier: str) -> bool:
    said = _squash(carrier)
    return any(name and (said.startswith(name) or name.startswith(said))
               for name in (_squash(package.carrier_code), _squash(package.carrier_name)))


def _squash(name: str) -> str:
    return "".join(ch for ch in (name or "").lower() if ch.isalnum())


def _apply(order: Order, tracker: Tracker, state: TrackerState) -> Applied:
    package = tracker.package
    actor = Actor.carrier(package.carrier_code, _actor_label(package, tracker))
    known = {(when, status) for when, status in tracker.events.values_list("occurred_at", "carrier_status")}
    fresh = [c for c in state.checkpoints if (c.occurred_at, c.carrier_status[:60]) not in known]
    TrackingEvent.objects.bulk_create([
        TrackingEvent(tracker=tracker, occurred_at=c.occurred_at, carrier_status=c.carrier_status[:60], status=c.status,
                      message=c.message[:500], location=c.location[:200], reason=c.reason[:40]) for c in fresh
    ], ignore_conflicts=True)

    clock = package.trackers.aggregate(latest=Max("last_event_at"))["latest"]
    everything = list(order.items.all())
    in_package = set(package.items.values_list("pk", flat=True))
    items = [i for i in everything if i.pk in in_package and not i.is_ignored]
    moved: list[str] = []
    history = []
    for checkpoint in fresh:  # oldest first
        late = clock is not None and checkpoint.occurred_at <= clock
        if late or not checkpoint.status:
            history.append(_tracking_event(order, package, checkpoint, actor, late=late))
            continue
        clock = checkpoint.occurred_at
        if checkpoint.status == EXCEPTION:
            _flush(history)
            _exception(order, package, checkpoint, actor)
            continue
        target = TARGETS.get(checkpoint.status)
        movable = [i for i in items if target and _behind(i, target) and can_move(i.fulfillment_status, target)]
        if checkpoint.status in (IN_TRANSIT, DELIVERED) and package.exception_code and not package.exception_code.startswith("returned"):
            package.exception_code, package.exception_message = "", ""  # the parcel moves again: the problem is over
            package.save(update_fields=["exception_code", "exception_message"])
        if not movable:
            history.append(_tracking_event(order, package, checkpoint, actor, late=False))
            continue
        _flush(history)
        reason, why = _move_reason(checkpoint), ""
        if target == F.RETURNED:
            why = _return_reason(tracker, checkpoint)
            reason = _reported(mapping.sentence(why or mapping.RETURNED_REASON, checkpoint.message), checkpoint)
            package.exception_code = f"returned_{why}" if why else "returned"
            package.exception_message = reason[:300]
            package.save(update_fields=["exception_code", "exception_message"])
        transition_items(order, movable, target, actor, reason=reason, siblings=everything, params={
            "packageId": str(package.pk), "trackingCode": package.tracking_code, "carrierStatus": checkpoint.carrier_status,
            "occurredAt": checkpoint.occurred_at.isoformat(), **({"returnReason": why} if why else {}),
        })
        moved.append(str(target))
    _flush(history)

    newest = state.checkpoints[-1].occurred_at if state.checkpoints else None
    fields = []
    if newest is None or tracker.last_event_at is None or newest >= tracker.last_event_at:  # a late state says nothing new
        tracker.status, tracker.carrier_status = state.status, state.carrier_status[:60]
        tracker.expected_delivery = state.expected_delivery or tracker.expected_delivery
        fields += ["status", "carrier_status", "expected_delivery"]
    if clock is not None and (tracker.last_event_at is None or clock > tracker.last_event_at):
        tracker.last_event_at = clock
        fields.append("last_event_at")
    if fields:
        tracker.save(update_fields=fields)
    outcome = (f"Moved to {', then '.join(moved)}." if moved else "Recorded; nothing moved.") + \
        f" {len(fresh)} new checkpoint{'s' if len(fresh) != 1 else ''} for {package.tracking_code}."
    log.info("tracking applied", extra={"order_id": str(order.pk), "package": str(package.pk), "outcome": outcome})
    return Applied(outcome, tracker, moved, len(fresh))


def _flush(history: list) -> None:
    if history:
        events.save_all(history)
        history.clear()


def _behind(item: OrderItem, target: Fulfillment) -> bool:
    current = F(item.fulfillment_status)
    return current in RANK and RANK[current] < RANK[target]


def _exception(order: Order, package: Package, checkpoint: Checkpoint, actor: Actor) -> None:
    code = checkpoint.reason or mapping.FAILED
    message = mapping.sentence(code, checkpoint.message)
    package.exception_code, package.exception_message = code[:40], message[:300]
    package.save(update_fields=["exception_code", "exception_message"])
    events.record(order, events.SHIPMENT_EXCEPTION, actor, reason=_reported(message, checkpoint), params={
        "code": code, "packageId": str(package.pk), "trackingCode": package.tracking_code, "message": checkpoint.message,
        "location": checkpoint.location, "carrierStatus": checkpoint.carrier_status, "occurredAt": checkpoint.occurred_at.isoformat(),
    })


def _tracking_event(order: Order, package: Package, checkpoint: Checkpoint, actor: Actor, *, late: bool):
    return events.event(order, events.TRACKING_EVENT, actor, params={
        "packageId": str(package.pk), "trackingCode": package.tracking_code, "status": checkpoint.status,
        "carrierStatus": checkpoint.carrier_status, "message": checkpoint.message, "location": checkpoint.location,
        "occurredAt": checkpoint.occurred_at.isoformat(), "late": late,
        **({"reason": checkpoint.reason} if checkpoint.reason else {}),
    })


def _return_reason(tracker: Tracker, checkpoint: Checkpoint) -> str:
    """Why the parcel comes back: this checkpoint's reason, else the latest one any of its trackers gave."""
    if checkpoint.reason in mapping.RETURN_REASONS:
        return checkpoint.reason
    earlier = (TrackingEvent.objects.filter(tracker__package=tracker.package, reason__in=mapping.RETURN_REASONS,
                                            occurred_at__lte=checkpoint.occurred_at)
               .order_by("-occurred_at", "-id").values_list("reason", flat=True).first())
    return earlier or ""


def _move_reason(checkpoint: Checkpoint) -> str:
    """e.g. The carrier reports “Picked up” at ORLANDO, FL, US on 31 Jul 2024 19:27 UTC."""
    said = f"“{checkpoint.message}”" if checkpoint.message else checkpoint.carrier_status.replace("_", " ")
    return f"The carrier reports {said} {_where_when(checkpoint)}."


def _reported(sentence: str, checkpoint: Checkpoint) -> str:
    """A problem's sentence and where and when the carrier said it."""
    return f"{sentence} Reported {_where_when(checkpoint)}."


def _where_when(checkpoint: Checkpoint) -> str:
    where = f"at {checkpoint.location} " if checkpoint.location else ""
    return f"{where}on {_moment(checkpoint.occurred_at)}"


def _moment(when: datetime) -> str:
    """The carrier's local time as it gave it: "2 Aug 2024 18:50 UTC", "23 Jul 2018 16:58 +08:00"."""
    offset = when.strftime("%z")
    return f"{when.day} {when:%b %Y %H:%M} " + (f"{offset[:3]}:{offset[3:]}" if when.utcoffset() else "UTC")


def _actor_label(package: Package, tracker: Tracker) -> str:
    via = tracker.source.get_kind_display() if tracker.source_id else ""
    return f"{package.carrier_name} via {via}" if via else package.carrier_name


# --- Sources and carriers (CLI, admin) --------------------------------------------------------------


def create_source(kind: str, name: str, secret: str = "") -> tuple[TrackingSource, str]:
    """A new tracking source; its secret (given, as AfterShip shows one, or made here for EasyPost) is returned
    once and stored encrypted."""
    if kind not in registry.WEBHOOK_SOURCES:
        raise InvalidRequest(f"Choose a source kind Platen reads: {', '.join(registry.WEBHOOK_SOURCES)}.")
    if not name.strip():
        raise InvalidRequest("Give the source a name, such as the aggregator account it belongs to.")
    secret = secret.strip() or secrets.token_urlsafe(32)
    source = TrackingSource.objects.create(kind=kind, name=name.strip(), secret_encrypted=sealed(secret))
    return source, secret


def sealed(secret: str) -> str:
    """A source's signing secret as it is stored (the admin sets it through this too)."""
    return encryption.encrypt(secret, PURPOSE)


def webhook_path(source: TrackingSource) -> str:
    return f"/hooks/tracking/{source.pk}"


def set_carrier_token(carrier: Carrier, token: str) -> None:
    carrier.api_token_encrypted = encryption.encrypt(token, PURPOSE) if token else ""
    carrier.save(update_fields=["api_token_encrypted"])


def carrier_token(carrier: Carrier) -> str:
    return encryption.decrypt(carrier.api_token_encrypted, PURPOSE) if carrier.api_token_encrypted else ""


# --- What the order page shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class PackageView:
    package: Package
    latest: TrackingEvent | None  # the newest checkpoint by the carrier's time, from any of its trackers
    expected_delivery: object  # a date or None

    @property
    def returned(self) -> bool:
        return self.package.exception_code.startswith("returned")

    @property
    def problem(self) -> str:
        return self.package.exception_message or (mapping.REASONS.get(self.package.exception_code, "") if self.package.exception_code else "")


def package_views(order: Order) -> list[PackageView]:
    packages = list(order.packages.all())
    if not packages:
        return []
    latest: dict = {}
    for e in TrackingEvent.objects.filter(tracker__package__in=packages).select_related("tracker").order_by("occurred_at", "id"):
        latest[e.tracker.package_id] = e
    expected = dict(Tracker.objects.filter(package__in=packages, expected_delivery__isnull=False)
                    .order_by("last_event_at").values_list("package_id", "expected_delivery"))
    return [PackageView(p, latest.get(p.pk), expected.get(p.pk)) for p in packages]
