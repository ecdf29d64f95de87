"""Jobs around a store's connection: what follows connecting (webhooks registered, products synced, a first pull)
and reconnecting, and the retry of waiting store orders after a mapping is added.

Jobs take ids, reload and check the store, and are idempotent. The services they call are imported inside them
(they are written by other parts of the stores domain and enqueue jobs themselves). A job of another stores
module is found by its name: "stores.retry-waiting" is the job `retry_waiting` of platen.stores.tasks (the imports
part's); while none exists, the enqueue is skipped with a log line.
"""

from __future__ import annotations

import importlib
import logging

from platen.jobs import enqueue, job
from platen.jobs.definitions import JobTask
from platen.kit.actors import Actor

log = logging.getLogger("platen.stores")
ACTOR = Actor.system("store connection")
_JOB_MODULES = ("platen.stores.tasks", "platen.stores.tasks_connections")


def after_connect(store) -> None:
    """Inside the connecting transaction: the jobs run once it commits."""
    enqueue(register_webhooks, str(store.pk))
    enqueue(sync_products, str(store.pk))
    enqueue(first_pull, str(store.pk))


def after_reconnect(store) -> None:
    enqueue(register_webhooks, str(store.pk))
    enqueue(first_pull, str(store.pk))


def after_mapping(store) -> None:
    """A SKU or shipping method was mapped: store orders waiting for it may import now."""
    enqueue_named("stores.retry-waiting", str(store.pk))


def enqueue_named(name: str, *args) -> bool:
    task = named_job(name)
    if task is None:
        log.warning("job not defined yet; not enqueued", extra={"job": name})
        return False
    enqueue(task, *args)
    return True


def named_job(name: str) -> JobTask | None:
    attribute = name.removeprefix("stores.").replace("-", "_")
    for module_name in _JOB_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        task = getattr(module, attribute, None)
        if isinstance(task, JobTask):
            return task
    return None


def installed_service(name: str):
    """platen.stores.services.<name>, or None (logged) while that part of the domain is not installed."""
    try:
        return importlib.import_module(f"platen.stores.services.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"platen.stores.services.{name}":
            raise
        log.warning("store service not installed; step skipped", extra={"service": name})
        return None


def _active_store(store_id: str):
    from platen.stores.models import Store
    from platen.stores.statuses import StoreStatus

    store = Store.objects.filter(pk=store_id).first()
    return store if store is not None and store.status == StoreStatus.ACTIVE else None


@job(max_attempts=8)
def register_webhooks(store_id: str) -> None:
    """stores.register-webhooks: subscribe Platen's webhook URL to the topics Platen handles."""
    from django.db import transaction

    from platen.stores.connectors.base import AuthFailed, ConnectorError
    from platen.stores.services import connections, setup
    from platen.stores.statuses import StoreStatus

    store = _active_store(store_id)
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
def sync_products(store_id: str) -> None:
    """stores.sync-products: read the store's products and variants (services.products.sync_products)."""
    products = installed_service("products")
    store = _active_store(store_id)
    if store is not None and products is not None:
        products.sync_products(store)


@job(max_attempts=5)
def first_pull(store_id: str) -> None:
    """stores.first-pull: pull the store's orders now (after connecting or reconnecting)."""
    pulls = installed_service("pulls")
    store = _active_store(store_id)
    if store is not None and pulls is not None:
        pulls.sync_now(store)
