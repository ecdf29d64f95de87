"""Store webhooks: received (verified over the raw bytes, stored once per delivery, acknowledged at once) and
processed by a job (parsed by the store's connector, then imported, applied or recorded).

Receiving never calls the platform and never interprets the order: the answer leaves as soon as the inbox row,
its intake request and the job are committed. A forged or unsigned delivery is refused (401) before anything is
stored. A repeat of a delivery (same platform delivery id) answers 200 and changes nothing. Deliveries for a
store that is not active are still verified and recorded; processing then says why nothing was imported.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from platen.intake import services as intake
from platen.intake.statuses import Outcome
from platen.kit.actors import Actor
from platen.kit.errors import Detail, NotFound, PlatenError
from platen.stores import tasks
from platen.stores.connectors import base, registry
from platen.stores.models import Store, StoreWebhook
from platen.stores.services import connections, importing, privacy
from platen.stores.statuses import Bucket, Platform, SeenVia, StoreStatus
from platen.stores.webhook_orders import order_external_id

log = logging.getLogger("platen.stores.webhooks")

SYNC = Actor.system("store sync")
# The platform's id of a delivery (the same on its retries) and its topic, where the connector does not say.
DELIVERY_HEADERS = ("x-shopify-event-id", "x-shopify-webhook-id", "webhook-id", "x-wc-webhook-delivery-id")
TOPIC_HEADERS = ("x-shopify-topic", "x-wc-webhook-topic")
NOT_KEPT = frozenset({"cookie", "authorization", "x-api-key", "x-auth-token"})
LAST_WEBHOOK_EVERY = timedelta(minutes=1)  # how fresh Store.last_webhook_at is kept
ORDER_KINDS = ("order", "order_deleted")  # the events whose resource_id is an order's id


class InvalidSignature(PlatenError):
    def __init__(self):
        super().__init__("The signature does not match this store's webhook secret; nothing was stored.",
                         [], "invalid_signature", 401)


def store_not_found() -> NotFound:
    return NotFound("No store has this id on this platform: check the webhook URL.", code="store_not_found")


@dataclass(frozen=True)
class Received:
    webhook_id: int
    duplicate: bool


def receive(platform: str, store_id: str, raw_body: bytes, headers: Mapping[str, str]) -> Received:
    """Verify, then store the delivery once (inbox row + intake request with the raw body) and queue its
    processing, in one transaction; the caller answers 200 after this returns."""
    store = _store(platform, store_id)
    headers = {k.lower(): v for k, v in headers.items()}
    connector_class = registry.connector_class(store.platform)
    try:
        connector_class.verify_webhook(connections.credentials(store).webhook_secret, headers, raw_body)
    except base.InvalidSignature:
        log.warning("store webhook refused", extra={"store_id": store.id, "reason": "signature"})
        raise InvalidSignature() from None
    delivery_id, topic = identity(connector_class, headers, raw_body)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():  # a repeat delivery rolls back to here: nothing of it is kept
                request = intake.receive(store.account, store.platform, raw_body,
                                         content_type=headers.get("content-type", ""), store_id=store.id)
                hook = StoreWebhook.objects.create(store=store, delivery_id=delivery_id[:255], topic=topic[:100],
                                                   order_external_id=order_external_id(topic, raw_body),
                                                   intake_request=request,
                                                   headers={k: v for k, v in headers.items() if k not in NOT_KEPT})
        except IntegrityError:
            hook = StoreWebhook.objects.get(store=store, delivery_id=delivery_id[:255])
            log.info("store webhook repeated", extra={"store_id": store.id, "delivery_id": delivery_id})
            return Received(hook.pk, duplicate=True)
        # At most once a minute: the update locks the store's row until commit, and every delivery to the store
        # would wait for the one before it.
        Store.objects.filter(pk=store.pk).filter(
            Q(last_webhook_at__isnull=True) | Q(last_webhook_at__lt=now - LAST_WEBHOOK_EVERY)).update(last_webhook_at=now)
        tasks.enqueue_webhook(hook.pk)
    return Received(hook.pk, duplicate=False)


def _store(platform: str, store_id: str) -> Store:
    try:
        pk = uuid.UUID(store_id)
    except ValueError:
        raise store_not_found() from None
    if platform not in set(Platform):
        raise store_not_found()
    store = Store.objects.select_related("account").filter(pk=pk, platform=platform).first()
    if store is None:
        raise store_not_found()
    return store


def identity(connector_class, headers: Mapping[str, str], raw_body: bytes) -> tuple[str, str]:
    """(delivery id, topic) of a verified delivery, read without calling the platform. A connector may answer it
    itself (`webhook_identity`); else the platforms' headers (Shopify's event id, Standard Webhooks' webhook-id),
    the body's `scope` for the topic, and the body's hash when no id is given (a repeat is the same bytes)."""
    own = getattr(connector_class, "webhook_identity", None)
    if own is not None:
        return own(headers, raw_body)
    delivery = next((headers[h] for h in DELIVERY_HEADERS if headers.get(h)), "")
    topic = next((headers[h] for h in TOPIC_HEADERS if headers.get(h)), "")
    if not topic:
        try:
            body = json.loads(raw_body)
            topic = str(body.get("scope") or body.get("topic") or "") if isinstance(body, dict) else ""
        except ValueError:
            topic = ""
    return delivery or "sha256:" + hashlib.sha256(raw_body).hexdigest(), topic or "unknown"


# --- Processing (the job) -----------------------------------------------------------------------------------


def process(webhook_id: int) -> str:
    """Parse and apply one stored delivery; idempotent (a processed one is left alone). Returns the outcome.
    A transient platform failure raises (the job retries); refused credentials stop the store's syncing."""
    hook = StoreWebhook.objects.select_related("store__account", "intake_request").filter(pk=webhook_id).first()
    if hook is None or hook.processed_at is not None:
        return hook.outcome if hook else ""
    store = hook.store
    if store.status != StoreStatus.ACTIVE:
        return _finish(hook, f"Nothing was imported: the store was {importing.STATUS_WORDS.get(store.status, store.status)} "
                             f"when this {hook.topic} notification arrived. Reconnect the store to import its orders again.",
                       Outcome.REJECTED)
    raw = hook.intake_request.raw_body.encode() if hook.intake_request else b""
    try:
        with connections.connector_for(store) as connector:
            event = connector.parse_webhook(hook.headers, raw)
    except base.AuthFailed as exc:
        sentence = importing.auth_sentence(store, exc)
        connections.change_status(store, StoreStatus.AUTH_FAILED, SYNC, reason=sentence)
        return _finish(hook, f"Not processed: {sentence}", Outcome.REJECTED)
    except base.ConnectorError as exc:
        if exc.transient:
            raise
        return _finish(hook, f"The notification could not be read: {exc.message}", Outcome.REJECTED)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("store webhook unreadable", exc_info=True, extra={"store_id": store.id, "webhook_id": hook.pk})
        return _finish(hook, f"The notification could not be read ({type(exc).__name__}); nothing was imported.", Outcome.REJECTED)
    if event.kind in ORDER_KINDS and event.resource_id:
        hook.order_external_id = event.resource_id[:100]  # the connector's reading wins over the one on receipt
    return _finish(hook, *_apply(store, hook, event))


def _apply(store: Store, hook: StoreWebhook, event: base.WebhookEvent) -> tuple[str, Outcome]:
    if event.kind == "order":
        if event.order is None:
            return f"The store no longer has order {event.resource_id}; nothing was imported.", Outcome.REJECTED
        row = importing.import_order(store, event.order, SeenVia.WEBHOOK, hook.intake_request)
        return describe(row), Outcome.ACCEPTED
    if event.kind == "order_deleted":
        return f"Order {event.resource_id} was deleted in the store; a Platen order made from it is left as it is.", Outcome.ACCEPTED
    if event.kind in ("product", "product_deleted"):
        return _product(store, event), Outcome.ACCEPTED
    if event.kind == "privacy":
        return privacy.handle(store, event), Outcome.ACCEPTED
    if event.kind == "app_uninstalled":
        return privacy.uninstalled(store), Outcome.ACCEPTED
    return f"Platen does not use {event.topic} notifications; nothing to do.", Outcome.ACCEPTED


def _product(store: Store, event: base.WebhookEvent) -> str:
    try:
        from platen.stores.services import products
    except ImportError:
        log.info("product webhook skipped: no products service", extra={"store_id": store.id, "topic": event.topic})
        return f"Skipped: product notifications are not applied by this Platen version ({event.topic})."
    if event.kind == "product" and event.product is not None:
        done = products.apply_product(store, event.product)
        return f"Product '{event.product.title}': {done or 'applied'}."
    gone = products.remove_product(store, event.resource_id)
    return f"Product {event.resource_id} was {'removed' if gone is not False else 'already removed'}."


def describe(row) -> str:
    if getattr(row, "note", ""):
        return f"Order {row.number}: {row.note}"
    if row.bucket == Bucket.IMPORTED and row.order_id:
        text = f"Order {row.number} is Platen order {row.order_id}."
        return f"{text} {row.reason}" if row.reason else text
    return f"Order {row.number}: {row.reason}"


def _finish(hook: StoreWebhook, outcome: str, result: Outcome) -> str:
    with transaction.atomic():
        StoreWebhook.objects.filter(pk=hook.pk).update(processed_at=timezone.now(), outcome=outcome[:500],
                                                       order_external_id=hook.order_external_id)
        request = hook.intake_request
        if request is not None:
            request.refresh_from_db()
            if request.status == Outcome.RECEIVED:
                intake.complete(request, result, reasons=[Detail("notification", outcome)])
    hook.outcome = outcome
    log.info("store webhook processed", extra={"store_id": hook.store_id, "webhook_id": hook.pk, "topic": hook.topic,
                                               "outcome": outcome[:200]})
    return outcome
