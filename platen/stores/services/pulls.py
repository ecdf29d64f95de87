"""Scheduled pulls: every active store's orders changed since its cursor, read through its connector and imported.

- The window starts an overlap before the cursor (the newest store `updated_at` fully processed), so a change
  the platform wrote late, or a crash mid-way, is read again; re-reading an unchanged order does nothing.
- Progress commits per order: the cursor moves forward while the platform answers oldest change first, so a
  crash or a failure after page 1 resumes from the last order imported. A platform that answers newest first
  moves the cursor only when the pull completes.
- One pull per store at a time (a lease on the store, renewed as the pull goes): a second one waits and retries.
- 401/403 (AuthFailed): the store becomes auth_failed (connections.change_status, which tells the merchant) and
  the pull stops with the cursor where it was. A transient failure is recorded and the job retries with backoff.
- Products are kept in step by product webhooks and, besides, read again in full (tasks.sync_products) with a due
  pull once they were last read more than PRODUCTS_EVERY ago, and with every "Sync now".
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from platen.intake import services as intake
from platen.jobs import Retry
from platen.kit.actors import Actor
from platen.stores import tasks
from platen.stores.connectors import base
from platen.stores.models import Store, StoreOrder
from platen.stores.services import connections, importing
from platen.stores.statuses import SeenVia, StoreStatus

log = logging.getLogger("platen.stores.pulls")

OVERLAP = timedelta(minutes=10)
LEASE = timedelta(minutes=10)
RENEW_EVERY = 30.0  # seconds between lease renewals while a pull runs
BUSY_RETRY = timedelta(minutes=1)
SYNC = Actor.system("store sync")
PRODUCTS_EVERY = timedelta(hours=24)


@dataclass(frozen=True)
class Pulled:
    read: int  # orders the platform answered
    processed: int  # new or changed ones that went through the import
    stopped: str = ""  # why the pull stopped early ("" when it completed)


def sync_now(store: Store) -> None:
    """Queue a pull of the store and a sync of its products at once ("Sync now"); the scheduled pull moves to a
    full interval from now."""
    with transaction.atomic():
        Store.objects.filter(pk=store.pk).update(next_pull_at=timezone.now() + timedelta(minutes=store.pull_interval_minutes))
        tasks.enqueue_pull(store.pk)
        tasks.enqueue_sync_products(store.pk)


def enqueue_due(now: datetime | None = None) -> int:
    """Queue a pull for every active store whose next pull is due, and with it a sync of the store's products when
    they were last read more than PRODUCTS_EVERY ago (or never, a day after connecting); each due time is claimed
    once. Returns the number of pulls queued."""
    now = now or timezone.now()
    due = Q(next_pull_at__lte=now) | Q(next_pull_at__isnull=True)
    queued = 0
    rows = Store.objects.filter(due, status=StoreStatus.ACTIVE).values_list(
        "pk", "pull_interval_minutes", "products_synced_at", "connected_at")
    for pk, minutes, products_synced_at, connected_at in rows:
        with transaction.atomic():
            if Store.objects.filter(due, pk=pk, status=StoreStatus.ACTIVE).update(next_pull_at=now + timedelta(minutes=minutes)):
                tasks.enqueue_pull(pk)
                queued += 1
                read = products_synced_at or connected_at  # connecting queued the first read
                if read is None or read <= now - PRODUCTS_EVERY:
                    tasks.enqueue_sync_products(pk)
    return queued


def pull(store: Store) -> Pulled:
    """Read the store's orders changed since its cursor (less the overlap) and import each new or changed one."""
    if store.status != StoreStatus.ACTIVE:
        return Pulled(0, 0, f"the store is {store.status}")
    started = timezone.now()
    if not _claim(store, started):
        raise Retry(BUSY_RETRY, "another pull of this store is running")
    since = (store.pull_cursor or store.connected_at) - OVERLAP
    read = processed = 0
    ordered, last, newest = True, None, None
    renewed = time.monotonic()
    try:
        with connections.connector_for(store) as connector:
            for data in connector.orders_since(since):
                read += 1
                processed += _take(store, data)
                ordered = ordered and (last is None or data.updated_at >= last)
                last, newest = data.updated_at, max(newest or data.updated_at, data.updated_at)
                if ordered:
                    _advance(store, data.updated_at)  # everything up to here is done: a crash resumes after it
                if time.monotonic() - renewed > RENEW_EVERY:
                    renewed = time.monotonic()
                    Store.objects.filter(pk=store.pk).update(pulling_until=timezone.now() + LEASE)
    except base.AuthFailed as exc:
        sentence = importing.auth_sentence(store, exc)
        with transaction.atomic():
            connections.change_status(store, StoreStatus.AUTH_FAILED, SYNC, reason=sentence)
            Store.objects.filter(pk=store.pk).update(last_pull_error=sentence[:500], pulling_until=None)
        log.warning("store pull stopped: access refused", extra={"store_id": store.id, "read": read})
        return Pulled(read, processed, sentence)
    except base.ConnectorError as exc:
        Store.objects.filter(pk=store.pk).update(last_pull_error=exc.message[:500], pulling_until=None)
        log.warning("store pull failed", extra={"store_id": store.id, "read": read, "error": exc.message[:200]})
        if exc.transient:
            raise  # the job retries with backoff, from the cursor saved so far
        return Pulled(read, processed, exc.message)
    except BaseException:
        Store.objects.filter(pk=store.pk).update(pulling_until=None)
        raise
    if newest is not None:
        _advance(store, newest)
    finished = timezone.now()
    Store.objects.filter(pk=store.pk).update(last_pulled_at=finished, last_pull_error="", pulling_until=None,
                                             next_pull_at=finished + timedelta(minutes=store.pull_interval_minutes))
    log.info("store pulled", extra={"store_id": store.id, "read": read, "processed": processed,
                                    "seconds": round((finished - started).total_seconds(), 2)})
    return Pulled(read, processed)


def _claim(store: Store, now: datetime) -> bool:
    free = Q(pulling_until__isnull=True) | Q(pulling_until__lt=now)
    return bool(Store.objects.filter(free, pk=store.pk, status=StoreStatus.ACTIVE).update(pulling_until=now + LEASE))


def _advance(store: Store, updated_at: datetime) -> None:
    """The cursor only moves forward (a pull that was retried may read older orders again)."""
    behind = Q(pull_cursor__isnull=True) | Q(pull_cursor__lt=updated_at)
    if Store.objects.filter(behind, pk=store.pk).update(pull_cursor=updated_at):
        store.pull_cursor = updated_at


def _take(store: Store, data: base.StoreOrder) -> int:
    """Import a new or changed order (its normalised JSON kept as the intake request); 0 when already seen as is."""
    seen = StoreOrder.objects.filter(store=store, external_id=data.external_id).values_list("store_updated_at", "snapshot").first()
    if seen is not None and seen[0] is not None:
        snapshot = data.as_dict()
        # Stamped to the second: the same stamp with other content (paid a moment later) still goes through.
        if seen[0] > data.updated_at or seen[0] == data.updated_at and seen[1] == snapshot:
            return 0
    request = intake.receive(store.account, store.platform, json.dumps(data.as_dict()),
                             content_type="application/json", store_id=store.id)
    importing.import_order(store, data, SeenVia.PULL, request)
    return 1
