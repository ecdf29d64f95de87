""""Why isn't my order here?": one store order's cause, in one sentence with its evidence and its fix.

From Platen's own records first: the StoreOrder row (by the platform's id or the number the merchant sees), the
connection history, the webhook inbox, the intake requests and the pull schedule. The platform is asked (through
the store's connector) only when Platen never saw the order. The causes are checked in the order of
`causes.Cause`; the first that holds is the answer:

  store not active when placed -> placed before connecting -> cancelled -> not paid / payment pending -> status
  changed by hand -> item not connected / every item ignored -> variant options changed after the order -> SKU
  not mapped -> shipping method not mapped -> (never seen:) sign-in failing -> within the normal delay -> webhook
  never received -> rejected at intake -> imported -> not found.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from platen.diagnostics import causes
from platen.diagnostics.causes import Cause, Fix
from platen.intake import services as intake
from platen.intake.models import IntakeRequest
from platen.intake.statuses import Outcome
from platen.kit.actors import Actor
from platen.kit.errors import Conflict, InvalidRequest, Detail, NotFound
from platen.orders.models import Order
from platen.orders.services.store_orders import line_words, platform_label
from platen.stores import resolution
from platen.stores.connectors import base
from platen.stores.models import Store, StoreOrder, StoreStatusChange, StoreWebhook
from platen.stores.reasons import Reason
from platen.stores.services import connections, importing
from platen.stores.services.importing import AWAITING_WORDS, STATUS_WORDS, when
from platen.stores.statuses import Bucket, Connection, SeenVia, StoreStatus

log = logging.getLogger("platen.diagnostics.diagnosis")

MISSING = "missing"  # the bucket of a store order Platen never saw
# Past the pull interval, how long a new order may still take to arrive (webhook retries, a pull that runs late).
MARGIN = timedelta(minutes=15)
FULFILMENT_WORDS = {"not_connected": "waiting for its items to be connected"}
# A waiting or skipped store order's recorded reason, as a cause (when the checks find nothing that still holds).
REASON_CAUSES = {**{str(r): Cause(str(r)) for r in Reason if str(r) in {c.value for c in Cause}},
                 Reason.ALL_ITEMS_IGNORED: Cause.VARIANT_IGNORED}


@dataclass(frozen=True)
class Diagnosis:
    store_order_ref: str
    bucket: str  # imported | waiting | skipped | missing
    code: Cause
    message: str
    evidence: dict = field(default_factory=dict)
    fixes: list[Fix] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"storeOrderRef": self.store_order_ref, "bucket": self.bucket,
                "cause": {"code": str(self.code), "message": self.message, "evidence": self.evidence},
                "fixes": [f.as_dict() for f in self.fixes]}


@dataclass(frozen=True)
class _Found:
    code: Cause
    message: str
    evidence: dict
    fixes: list[Fix]


def diagnose(store: Store, ref: str, *, now: datetime | None = None) -> Diagnosis:
    """The cause for the store order `ref` ("#1001", "1001", "250" or the platform's id) of `store`."""
    ref = (ref or "").strip()
    if not ref:
        raise InvalidRequest("Name the store order: its number as the store shows it (#1001) or the platform's id.",
                             [Detail("storeOrderRef", "Enter the store order's number.")])
    now = now or timezone.now()
    row = find_row(store, ref)
    if row is not None:
        found, bucket = _seen(store, ref, row, now), row.bucket
    else:
        found, bucket = _unseen(store, ref, now), MISSING
    log.info("store order diagnosed", extra={"store_id": str(store.pk), "ref": ref, "cause": found.code})
    return Diagnosis(ref, bucket, found.code, found.message, found.evidence, found.fixes)


def find_row(store: Store, ref: str) -> StoreOrder | None:
    found = StoreOrder.objects.filter(store=store, external_id=ref.lstrip("#")).select_related("order").first()
    if found is None:
        numbers = {ref, ref.lstrip("#"), f"#{ref.lstrip('#')}"}
        found = StoreOrder.objects.filter(store=store, number__in=numbers).select_related("order").order_by("-placed_at").first()
    return found


# --- An order Platen saw ---------------------------------------------------------------------------------------


def _seen(store: Store, ref: str, row: StoreOrder, now: datetime) -> _Found:
    if row.bucket == Bucket.IMPORTED and row.order_id:
        return _imported(row)
    if row.bucket == Bucket.IMPORTED:  # its Platen order was deleted since
        return _Found(Cause.IMPORTED,
                      f"Order {row.number} was imported {when(row.first_seen_at)}, but its Platen order no longer exists: "
                      "recreate it if it should be printed.",
                      {"storeOrderId": row.external_id, "orderId": None}, [causes.recreate(store, ref)])
    data = base.StoreOrder.from_dict(row.snapshot) if row.snapshot else None
    found = _rules(store, ref, data) if data is not None else None
    if found is not None:
        return found
    request = _rejected_request(store, row.external_id, row.number)
    if row.reason_code == Reason.REJECTED or request is not None:
        return _rejected(store, ref, row.number, request, row.reason)
    # The cause it was recorded with no longer holds (a mapping was added, a variant connected): import it again.
    what = f"Order {row.number} was {row.bucket} when Platen last saw it ({when(row.last_seen_at)}): {row.reason}".rstrip(": ")
    return _Found(REASON_CAUSES.get(row.reason_code, Cause.REJECTED),
                  f"{what} That no longer holds: import it now.",
                  {"storeOrderId": row.external_id, "reasonCode": row.reason_code, "lastSeenAt": _iso(row.last_seen_at)},
                  [causes.import_now(store, ref)])


def _imported(row: StoreOrder) -> _Found:
    order: Order = row.order
    status = FULFILMENT_WORDS.get(order.fulfillment_status, order.fulfillment_status.replace("_", " "))
    return _Found(Cause.IMPORTED,
                  f"Order {row.number} is in Platen as order {order.pk} (imported {when(order.created_at)}); its status is "
                  f"{status}.",
                  {"storeOrderId": row.external_id, "orderId": str(order.pk), "status": order.fulfillment_status,
                   "importedAt": _iso(order.created_at), "seenVia": row.seen_via},
                  [causes.open_order(order.pk)]
                  + ([causes.complete_order(order.pk)] if order.fulfillment_status == "not_connected" else []))


# --- The rules, on what the store says of the order --------------------------------------------------------------


def _rules(store: Store, ref: str, data: base.StoreOrder) -> _Found | None:
    for check in (_not_active_then, _before_connection, _cancelled, _not_paid, _status_changed, _lines,
                  _options_changed, _skus, _shipping):
        found = check(store, ref, data)
        if found is not None:
            return found
    return None


def _not_active_then(store: Store, ref: str, data: base.StoreOrder) -> _Found | None:
    last = StoreStatusChange.objects.filter(store=store, at__lte=data.placed_at).order_by("-at", "-id").first()
    if last is None or last.status == StoreStatus.ACTIVE:
        return None
    back = StoreStatusChange.objects.filter(store=store, at__gt=data.placed_at, status=StoreStatus.ACTIVE).order_by("at").first()
    state = STATUS_WORDS.get(last.status, last.status)
    until = f" until {when(back.at)[3:]}" if back else ""
    fixes = [causes.recreate(store, ref)]
    if store.status != StoreStatus.ACTIVE:
        fixes.insert(0, causes.reconnect(store))
    return _Found(Cause.STORE_NOT_ACTIVE,
                  f"Order {data.number} was placed {when(data.placed_at)}, while the store's connection to Platen was {state} "
                  f"(since {when(last.at)[3:]}{until}): Platen imports only orders placed while the store is connected.",
                  {"storeOrderId": data.external_id, "placedAt": _iso(data.placed_at), "storeStatus": last.status,
                   "statusSince": _iso(last.at), "activeAgainAt": _iso(back.at) if back else None},
                  fixes)


def _before_connection(store: Store, ref: str, data: base.StoreOrder) -> _Found | None:
    if data.placed_at >= store.connected_at:
        return None
    return _Found(Cause.PLACED_BEFORE_CONNECTION,
                  f"Order {data.number} was placed {when(data.placed_at)}, before the store was connected to Platen "
                  f"({when(store.connected_at)[3:]}): Platen imports only orders placed after connecting.",
                  {"storeOrderId": data.external_id, "placedAt": _iso(data.placed_at), "connectedAt": _iso(store.connected_at)},
                  [causes.recreate(store, ref)])


def _cancelled(store: Store, ref: str, data: base.StoreOrder) -> _Found | None:
    if data.cancelled_at is None:
        return None
    return _Found(Cause.CANCELLED_IN_STORE,
                  f"Order {data.number} was cancelled in {platform_label(store.platform)} {when(data.cancelled_at)}: there is "
                  "nothing to print.",
                  {"storeOrderId": data.external_id, "cancelledAt": _iso(data.cancelled_at)}, [])


def _not_paid(store: Store, ref: str, data: base.StoreOrder) -> _Found | None:
    if data.paid:
        return None
    label = platform_label(store.platform)
    evidence = {"storeOrderId": data.external_id, "storeStatus": data.store_status, "placedAt": _iso(data.placed_at)}
    fixes = [causes.import_now(store, ref, "Import it now (once paid)")]
    if data.payment_pending:
        return _Found(Cause.PAYMENT_PENDING,
                      f"Payment for order {data.number} is still pending in {label} (its status is '{data.store_status}'): "
                      "Platen imports it as soon as the store reports it paid.", evidence, fixes)
    return _Found(Cause.NOT_PAID,
                  f"Order {data.number} is not paid in {label} (its status is '{data.store_status}'): Platen imports only "
                  "paid orders, and imports this one when the store reports it paid.", evidence, fixes)


def _status_changed(store: Store, ref: str, data: base.StoreOrder) -> _Found | None:
    if data.awaiting_fulfillment:
        return None
    awaiting = AWAITING_WORDS.get(store.platform, "awaiting fulfilment")
    return _Found(Cause.STATUS_CHANGED,
                  f"Order {data.number}'s status in {platform_label(store.platform)} is '{data.store_status}', not "
                  f"'{awaiting}': the status was changed away from the one Platen imports (by hand?).",
                  {"storeOrderId": data.external_id, "storeStatus": data.store_status, "importableStatus": awaiting},
                  [causes.recreate(store, ref), causes.import_now(store, ref, "Import it now (after setting it back)")])


def _live_lines(data: base.StoreOrder) -> list[base.StoreLine]:
    return [line for line in data.lines if line.quantity > 0]


def _lines(store: Store, ref: str, data: base.StoreOrder) -> _Found | None:
    resolved = resolution.resolve_lines(store, _live_lines(data))
    missing = [r for r in resolution.unresolved(resolved) if r.reason_code == Reason.PRODUCT_NOT_CONNECTED]
    if missing and not store.import_not_connected:
        fixes = [causes.connect_variant(store, v.product.external_id, _variant_title(v)) for v in _distinct_variants(missing)]
        fixes.append(causes.import_now(store, ref, "Import it now (once connected)"))
        names = ", ".join(_variant_words(r) for r in missing)
        return _Found(Cause.PRODUCT_NOT_CONNECTED,
                      f"In order {data.number}, {names} {'is' if len(missing) == 1 else 'are'} not connected to a print "
                      "product in Platen: connect it and import the order.",
                      {"storeOrderId": data.external_id, "items": [_item(r) for r in missing]}, fixes)
    if resolved and all(r.state == "ignored" for r in resolved):
        names = ", ".join(_variant_words(r) for r in resolved)
        return _Found(Cause.VARIANT_IGNORED,
                      f"Every item of order {data.number} is ignored in Platen ({names}): there is nothing for Platen to "
                      "print. Connect the variant if Platen should print it.",
                      {"storeOrderId": data.external_id, "items": [_item(r) for r in resolved]},
                      [causes.connect_variant(store, v.product.external_id, _variant_title(v)) for v in _distinct_variants(resolved)]
                      + [causes.import_now(store, ref, "Import it now (once connected)")])
    return None


def _options_changed(store: Store, ref: str, data: base.StoreOrder) -> _Found | None:
    for r in resolution.resolve_lines(store, _live_lines(data)):
        v = r.variant
        if v is None or v.options_changed_at is None or v.options_changed_at <= data.placed_at:
            continue
        if r.line.options == v.options:
            continue
        # Shopify's lines do not repeat the options: then only the change after the order is known.
        ordered = f"it was ordered as {_options(r.line.options)}, " if r.line.options else ""
        return _Found(Cause.VARIANT_OPTIONS_CHANGED,
                      f"The options of {_variant_title(v)} in order {data.number} were changed in the store "
                      f"{when(v.options_changed_at)}, after the order was placed ({when(data.placed_at)[3:]}): {ordered}the "
                      f"store now says {_options(v.options)}. Check the variant's connection, then import the order.",
                      {"storeOrderId": data.external_id, "placedAt": _iso(data.placed_at),
                       "optionsChangedAt": _iso(v.options_changed_at), "orderedOptions": dict(r.line.options),
                       "currentOptions": dict(v.options), "item": _item(r)},
                      [causes.connect_variant(store, v.product.external_id, _variant_title(v)),
                       causes.import_now(store, ref, "Import it now (once connected)")])
    return None


def _skus(store: Store, ref: str, data: base.StoreOrder) -> _Found | None:
    missing = [r for r in resolution.unresolved(resolution.resolve_lines(store, _live_lines(data)))
               if r.reason_code == Reason.SKU_NOT_MAPPED]
    if not missing:
        return None
    skus = sorted({r.line.sku for r in missing})
    plural = len(skus) > 1
    return _Found(Cause.SKU_NOT_MAPPED,
                  f"In order {data.number}, the SKU{'s' if plural else ''} {', '.join(skus)} "
                  f"({', '.join(line_words(r.line) for r in missing)}) {'are' if plural else 'is'} not mapped to a Platen "
                  "product: map it and the order is imported automatically.",
                  {"storeOrderId": data.external_id, "skus": skus, "items": [_item(r) for r in missing]},
                  [causes.map_sku(store, sku) for sku in skus])


def _shipping(store: Store, ref: str, data: base.StoreOrder) -> _Found | None:
    if resolution.resolve_shipping(store, data.shipping_method) is not None:
        return None
    return _Found(Cause.SHIPPING_METHOD_NOT_MAPPED,
                  f"Order {data.number}'s shipping method '{data.shipping_method}' is not mapped to a Platen shipping method: "
                  "map it and the order is imported automatically.",
                  {"storeOrderId": data.external_id, "shippingMethod": data.shipping_method},
                  [causes.map_shipping_method(store, data.shipping_method)])


# --- An order Platen never saw ---------------------------------------------------------------------------------


def _unseen(store: Store, ref: str, now: datetime) -> _Found:
    label = platform_label(store.platform)
    if store.status == StoreStatus.AUTH_FAILED:
        return _auth_failing(store, ref, None)
    try:
        data = fetch(store, ref)
    except base.AuthFailed as exc:
        connections.change_status(store, StoreStatus.AUTH_FAILED, Actor.system("store sync"),
                                  reason=importing.auth_sentence(store, exc))
        return _auth_failing(store, ref, None)
    except base.ConnectorError as exc:
        if store.status == StoreStatus.DISCONNECTED:
            return _disconnected_now(store, ref)
        raise Conflict(f"{label} could not be asked about order {ref}: {exc.message} Try again in a moment.",
                       code="store_unavailable") from exc
    if data is None:
        return _Found(Cause.NOT_FOUND,
                      f"{label} has no order {ref} in the store {store}: check the number (as the store shows it, e.g. "
                      f"{'#1001' if store.platform == 'shopify' else '250'}).",
                      {"storeOrderRef": ref, "askedAt": _iso(now)}, [])
    found = _rules(store, ref, data)
    if found is not None:
        return found
    if store.status == StoreStatus.DISCONNECTED:
        return _disconnected_now(store, ref, data)
    hooks = _webhooks_about(store, data)
    request = _rejected_request(store, data.external_id, data.number)
    if request is not None:
        return _rejected(store, ref, data.number, request, "")
    pending = [h for h in hooks if h.processed_at is None]
    if pending:
        due = max(now, pending[0].received_at) + MARGIN
        return _Found(Cause.PROCESSING_DELAY,
                      f"Platen received {label}'s notification of order {data.number} {when(pending[0].received_at)} and is "
                      f"still processing it: it should appear in Platen by {when(due)[3:]}.",
                      {"storeOrderId": data.external_id, "placedAt": _iso(data.placed_at), "expectedBy": _iso(due),
                       "webhookReceivedAt": _iso(pending[0].received_at)}, [])
    due = _expected_by(store, data)
    if now < due:
        return _Found(Cause.PROCESSING_DELAY,
                      f"Order {data.number} was placed {when(data.placed_at)}, {_ago(now - data.placed_at)} ago: that is "
                      f"within {label}'s normal delay, and it should appear in Platen by {when(due)[3:]}.",
                      {"storeOrderId": data.external_id, "placedAt": _iso(data.placed_at), "expectedBy": _iso(due),
                       "nextPullAt": _iso(store.next_pull_at)}, [])
    nxt = store.next_pull_at
    heard = "never sent Platen its notification" if not hooks else "sent a notification Platen could not match to it"
    return _Found(Cause.WEBHOOK_NOT_RECEIVED,
                  f"Order {data.number} was placed {when(data.placed_at)}, but {label} {heard} and no pull has seen it yet; "
                  f"the next pull is due {when(nxt) if nxt and nxt > now else 'now'}.",
                  {"storeOrderId": data.external_id, "placedAt": _iso(data.placed_at), "webhooksReceived": len(hooks),
                   "lastPulledAt": _iso(store.last_pulled_at), "nextPullAt": _iso(nxt),
                   "lastWebhookAt": _iso(store.last_webhook_at)},
                  [causes.import_now(store, ref), causes.sync_now(store)])


def _auth_failing(store: Store, ref: str, data: base.StoreOrder | None) -> _Found:
    since = StoreStatusChange.objects.filter(store=store, status=StoreStatus.AUTH_FAILED).order_by("-at", "-id").first()
    at = since.at if since else store.status_changed_at
    label = platform_label(store.platform)
    return _Found(Cause.AUTH_FAILING,
                  f"{label} has been refusing Platen's sign-in since {when(at)[3:]}: Platen cannot read the store's orders "
                  f"(order {ref} among them) until you reconnect the store.",
                  {"storeOrderRef": ref, "authFailingSince": _iso(at), "statusReason": store.status_reason},
                  [causes.reconnect(store), causes.recreate(store, ref)])


def _disconnected_now(store: Store, ref: str, data: base.StoreOrder | None = None) -> _Found:
    since = store.status_changed_at
    placed = f" (placed {when(data.placed_at)})" if data is not None else ""
    return _Found(Cause.STORE_NOT_ACTIVE,
                  f"The store has been disconnected from Platen since {when(since)[3:]}: order {ref}{placed} is not imported "
                  "until you reconnect it.",
                  {"storeOrderRef": ref, "storeStatus": store.status, "statusSince": _iso(since),
                   **({"placedAt": _iso(data.placed_at)} if data is not None else {})},
                  [causes.reconnect(store), causes.recreate(store, ref)])


def _rejected(store: Store, ref: str, number: str, request: IntakeRequest | None, fallback: str) -> _Found:
    reasons = [r.get("message", "") for r in (request.reasons if request else []) if r.get("message")]
    said = " ".join(reasons) or fallback or "no reason was recorded"
    return _Found(Cause.REJECTED,
                  f"Order {number or ref} reached Platen{' ' + when(request.received_at) if request else ''} but was rejected: "
                  f"{said[0].lower()}{said[1:]}",
                  {"storeOrderRef": ref, "intakeRequestId": str(request.pk) if request else None, "reasons": reasons},
                  [causes.recreate(store, ref), causes.import_now(store, ref)])


# --- Records and the platform ----------------------------------------------------------------------------------


def fetch(store: Store, ref: str) -> base.StoreOrder | None:
    """The order from the platform: by its id when the reference is one, else (and then) by its number."""
    with connections.connector_for(store) as connector:
        data = connector.fetch_order(ref) if ref.isdigit() else None
        return data or connector.find_order(ref)


def _webhooks_about(store: Store, data: base.StoreOrder) -> list[StoreWebhook]:
    """The deliveries about this order (StoreWebhook.order_external_id, read from each body on receipt)."""
    return list(StoreWebhook.objects.filter(store=store, order_external_id=data.external_id).order_by("received_at"))


def _rejected_request(store: Store, external_id: str, number: str) -> IntakeRequest | None:
    """The newest rejected intake request of the store that carried this order and was not an import's decision."""
    if not external_id:
        return None
    hook = (StoreWebhook.objects.filter(store=store, order_external_id=external_id, intake_request__status=Outcome.REJECTED)
            .select_related("intake_request").order_by("-received_at").first())
    if hook is None or StoreOrder.objects.filter(store=store, external_id=external_id).exclude(reason_code=Reason.REJECTED).exists():
        return None
    return hook.intake_request


def _expected_by(store: Store, data: base.StoreOrder) -> datetime:
    return data.placed_at + timedelta(minutes=store.pull_interval_minutes) + MARGIN


def import_by_ref(store: Store, ref: str) -> StoreOrder:
    """"Import now" from a diagnosis: a store order Platen saw is read again (importing.import_now); one it never
    saw is fetched from the platform and imported as a pull would."""
    row = find_row(store, ref)
    if row is not None:
        return importing.import_now(row)
    if store.status != StoreStatus.ACTIVE:
        raise Conflict(f"Reconnect the store {store} first: Platen cannot read its orders until then.", code="store_not_active")
    try:
        data = fetch(store, ref)
    except base.AuthFailed as exc:
        connections.change_status(store, StoreStatus.AUTH_FAILED, Actor.system("store sync"),
                                  reason=importing.auth_sentence(store, exc))
        raise Conflict(importing.auth_sentence(store, exc), code="store_auth_failed") from exc
    except base.ConnectorError as exc:
        raise Conflict(f"{platform_label(store.platform)} could not be asked for the order: {exc.message}",
                       code="store_unavailable") from exc
    if data is None:
        raise NotFound(f"{platform_label(store.platform)} has no order {ref} in the store {store}.", code="store_order_not_found")
    request = intake.receive(store.account, store.platform, json.dumps(data.as_dict()), content_type="application/json",
                             store_id=store.id)
    return importing.import_order(store, data, SeenVia.PULL, request)


# --- Words ------------------------------------------------------------------------------------------------------


def _distinct_variants(resolved) -> list:
    seen, out = set(), []
    for r in resolved:
        if r.variant is not None and r.variant.pk not in seen:
            seen.add(r.variant.pk)
            out.append(r.variant)
    return out


def _variant_title(v) -> str:
    return f"{v.product.title} – {v.title}" if v.title else v.product.title


def _variant_words(r) -> str:
    """"'Poster' (variant A3, SKU PA3)": the item as ordered and the store variant it is."""
    v = r.variant
    if v is None:
        return line_words(r.line)
    title = f"'{r.line.title}'" if r.line.title else f"item {r.line.external_id}"
    return f"{title} (variant {v.title or v.external_id}{', SKU ' + r.line.sku if r.line.sku else ''})"


def _item(r) -> dict:
    v = r.variant
    return {"lineId": r.line.external_id, "title": r.line.title, "sku": r.line.sku, "quantity": r.line.quantity,
            "variantId": r.line.variant_id, "productId": v.product.external_id if v else r.line.product_id,
            "variant": v.title if v else "", "connection": v.connection if v else Connection.NOT_CONNECTED}


def _options(options: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in options.items()) or "no options"


def _ago(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    return f"{hours} hour{'s' if hours != 1 else ''}"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
