"""Background jobs of store connections. They take ids, reload, re-check and are idempotent; the services are
imported inside the jobs (they enqueue these jobs themselves, through the enqueue_* functions at the end).

- `register_webhooks` (stores.register-webhooks), `first_pull` (stores.first-pull): after connecting and
  reconnecting (`after_connect`, in the connecting transaction).
- `sync_products` (stores.sync-products): read the store's products and variants (services.products); queued by
  "Sync now" and "Sync products", and once a day with a due pull (services.pulls).
- `process_webhook`: one stored webhook delivery, parsed by the connector and applied (services.webhooks).
- `pull_store`: one store's pull (services.pulls); `stores.pull-due` queues it for every active store that is due.
- `retry_waiting` (stores.retry-waiting): the store's waiting orders again, after a SKU or shipping mapping was
  added: call `enqueue_retry_waiting(store)` in the transaction that added it.
- `push_fulfillment`: one tracking push back to the store (services.fulfillments).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from platen.jobs import enqueue, job, periodic
from platen.kit.actors import Actor

log = logging.getLogger("platen.stores")
ACTOR = Actor.system("store connection")
# A few more than the fulfillments service's own limit: the service, not the job's dead end, says when it failed.
PUSH_MAX_ATTEMPTS = 18


def _store(store_id: str, *, active: bool = False):
    """The store (None when it is gone, or not active when `active` is asked)."""
    from platen.stores.models import Store
    from platen.stores.statuses import StoreStatus

    store = Store.objects.select_related("account").filter(pk=store_id).first()
    if store is None or active and store.status != StoreStatus.ACTIVE:
        return None
    return store


# --- Connecting ---------------------------------------------------------------------------------------------


@job(max_attempts=8)
def register_webhooks(store_id: str) -> None:
    """Subscribe Platen's webhook URL to the topics Platen handles."""
    from django.db import transaction

    from platen.stores.connectors.base import AuthFailed, ConnectorError
    from platen.stores.services import connections, setup
    from platen.stores.statuses import StoreStatus

    store = _store(store_id, active=True)
    if store is None:
        return
    try:
        with connections.connector_for(store) as connector:
            topics = connector.register_webhooks(setup.webhook_url(store))
    except AuthFailed as exc:
        with transaction.atomic():
            connections.change_status(store, StoreStatus.AUTH_FAILED, ACTOR, reason=exc.message)
        return
    except ConnectorError as exc:
        if exc.transient:
            raise
        log.warning("webhooks not registered", extra={"store_id": store_id, "error": exc.message})
        return
    log.info("webhooks registered", extra={"store_id": store_id, "topics": topics})


@job(max_attempts=5)
def first_pull(store_id: str) -> None:
    """Pull the store's orders and sync its products now ("Sync now"), after connecting or reconnecting."""
    from platen.stores.services import pulls

    store = _store(store_id, active=True)
    if store is not None:
        pulls.sync_now(store)


@job(max_attempts=5)
def sync_products(store_id: str) -> None:
    from platen.stores.services import products

    store = _store(store_id, active=True)
    if store is not None:
        products.sync_products(store)


# --- Orders -------------------------------------------------------------------------------------------------


@job(max_attempts=10)
def process_webhook(webhook_id: str) -> None:
    from platen.stores.services import webhooks

    webhooks.process(int(webhook_id))


@job(max_attempts=12)
def pull_store(store_id: str) -> None:
    from platen.stores.services import pulls

    store = _store(store_id)
    if store is not None:
        pulls.pull(store)


@periodic("stores.pull-due", every=timedelta(minutes=1))
def pull_due() -> None:
    from platen.stores.services import pulls

    pulls.enqueue_due()


@job(max_attempts=5)
def retry_waiting(store_id: str) -> None:
    from platen.stores.services import importing

    store = _store(store_id)
    if store is not None:
        importing.retry_waiting(store)


# --- Tracking back to the store ------------------------------------------------------------------------------


@job(max_attempts=PUSH_MAX_ATTEMPTS)
def push_fulfillment(fulfillment_id: str) -> str:
    from platen.stores.services import fulfillments

    return fulfillments.push(int(fulfillment_id))


# --- Enqueueing (each inside the transaction of the change that causes it) -----------------------------------


def after_connect(store) -> None:
    """The store was connected (or reconnected): webhooks registered, its orders pulled and its products synced."""
    enqueue(register_webhooks, str(store.pk))
    enqueue(first_pull, str(store.pk))


def enqueue_sync_products(store_id) -> None:
    enqueue(sync_products, str(store_id))


def enqueue_webhook(webhook_id: int) -> None:
    enqueue(process_webhook, str(webhook_id))


def enqueue_pull(store_id) -> None:
    enqueue(pull_store, str(store_id))


def enqueue_retry_waiting(store) -> None:
    """A SKU or shipping method was mapped: store orders waiting for it may import now."""
    enqueue(retry_waiting, str(store.pk))


def enqueue_push(fulfillment_id: int) -> None:
    """Call inside the transaction that made (or reset) the Fulfillment row."""
    enqueue(push_fulfillment, str(fulfillment_id))
