"""Reconciliation: a store's orders for a window compared with what Platen holds, and what was missing healed.

Every store order placed in the window ends in exactly one bucket, as Platen had it when the run found it:
- imported: a Platen order exists (the unique (account, channel, source_key=str(store.id), external_id)),
- waiting / skipped: Platen recorded the store order (StoreOrder) with a reason and made no order,
- missing: Platen never recorded it (no webhook or pull reached it). A missing order goes through the import at
  once (importing.import_order, with its intake request, as a pull does): when the rules import it, it is *healed*
  (listed in `healed` with its new order); otherwise the import records it waiting or skipped with the reason,
  which the run keeps in `missing` (`why`). So `healed` is a part of `missing`, and the counts add up to
  `store_orders`.

Scale: the store is read through the connector's light listing (order_refs_since: id, number, placed time),
streamed and compared in chunks of CHUNK orders. What Platen recorded of the orders placed in the window
(StoreOrder: bucket, reason, whether linked to its order) is read once, a small dict per order; a chunk then asks
only about the few it does not answer: rows recorded with another placed time (by id) and Platen orders of the
unlinked ones. Besides that dict, only the ids seen (to count an order listed twice once) and the missing ones
are kept in memory. Only a missing order is fetched whole (fetch_order) and imported: no request or query per
order otherwise. Reading the store is mostly waiting for it, so the listing runs ahead in a thread of its own
(READ_AHEAD chunks, its own connector; it touches no database) while this thread compares; on PostgreSQL the missing
orders are fetched and imported by a few threads of their own meanwhile (reconciliation_healing).

Runs: `start()` records a queued run (API, dashboard, the due sweep) and queues the job; the job calls `run()`.
`reconcile()` does both at once for callers that want the answer now (tests, the bench, the CLI). A run whose
worker died would stay queued or running: the due sweep ends it as failed after STALE_RUN (`end_stale()`).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from platen.diagnostics.models import ReconciliationRun
from platen.diagnostics.services import reconciliation_healing as healing
from platen.kit.actors import Actor
from platen.kit.errors import NotFound
from platen.orders.models import Order
from platen.stores.connectors import base
from platen.stores.models import Store, StoreOrder
from platen.stores.services import connections, importing
from platen.stores.statuses import Bucket, StoreStatus

log = logging.getLogger("platen.diagnostics.reconciliation")

CHUNK = 1000
READ_AHEAD = 20  # chunks the listing may be ahead of the comparison (memory: 20,000 refs, a few MB)
LOOKBACK = timedelta(days=7)  # the window a scheduled or on-demand run looks at (seeds: "compare once a week")
# Orders placed this recently may still be on their way (webhook in flight, next pull not yet run): left for the
# next run rather than counted missing.
SETTLE = timedelta(minutes=15)
STALE_RUN = timedelta(hours=2)  # a queued or running run older than this is not waited for, and the sweep ends it
STALE_SENTENCE = ("This reconciliation stopped before it finished (the work running it was interrupted); nothing "
                  "was lost, and the next one runs as scheduled, or start one now.")
MAX_LISTED = 500  # healed / missing entries kept on a run (the counts are always exact)
SYNC = Actor.system("reconciliation")


class Status:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Trigger:
    SCHEDULE = "schedule"
    DASHBOARD = "dashboard"
    API = "api"


def interval() -> timedelta:
    return timedelta(hours=settings.PLATEN.reconcile_interval_hours)


def default_window(store: Store, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last LOOKBACK up to SETTLE ago, never before the store was connected (older orders are never imported)."""
    now = now or timezone.now()
    end = now - SETTLE - timedelta(minutes=store.pull_interval_minutes)
    return max(end - LOOKBACK, store.connected_at), end


# --- Queued runs -----------------------------------------------------------------------------------------------


def start(store: Store, trigger: str, window: tuple[datetime, datetime] | None = None) -> ReconciliationRun:
    """Record a queued run and queue its job; a run of the store already queued or running is answered instead."""
    return _start(store, trigger, window, timezone.now())[0]


def _start(store: Store, trigger: str, window: tuple[datetime, datetime] | None, now: datetime) -> tuple[ReconciliationRun, bool]:
    from platen.diagnostics import tasks

    with transaction.atomic():
        Store.objects.select_for_update().filter(pk=store.pk).first()  # one start at a time per store
        current = ReconciliationRun.objects.filter(store=store, status__in=(Status.QUEUED, Status.RUNNING),
                                                   started_at__gte=now - STALE_RUN).first()
        if current is not None:
            return current, False
        start_at, end_at = window or default_window(store, now)
        run = ReconciliationRun.objects.create(store=store, trigger=trigger, status=Status.QUEUED, window_start=start_at,
                                               window_end=end_at, started_at=now)
        tasks.enqueue_reconcile(run.pk)
    return run, True


def end_stale(now: datetime | None = None) -> int:
    """Mark failed every run still queued or running STALE_RUN after it started (its worker died); answer how many."""
    now = now or timezone.now()
    return ReconciliationRun.objects.filter(status__in=(Status.QUEUED, Status.RUNNING),
                                            started_at__lt=now - STALE_RUN).update(
        status=Status.FAILED, error=STALE_SENTENCE, finished_at=now)


def enqueue_due(now: datetime | None = None) -> int:
    """Queue a scheduled run for every active store whose last run started an interval ago or more (or never ran)."""
    now = now or timezone.now()
    queued = 0
    for store in Store.objects.filter(status=StoreStatus.ACTIVE).select_related("account"):
        last = ReconciliationRun.objects.filter(store=store).values_list("started_at", flat=True).first()
        if last is None or last <= now - interval():
            queued += _start(store, Trigger.SCHEDULE, None, now)[1]
    return queued


def run(run_id) -> ReconciliationRun | None:
    """The job: do a queued run (a run already finished is left as it is)."""
    claimed = ReconciliationRun.objects.filter(pk=run_id, status=Status.QUEUED).update(status=Status.RUNNING,
                                                                                       started_at=timezone.now())
    if not claimed:
        return ReconciliationRun.objects.filter(pk=run_id).first()
    return _run(ReconciliationRun.objects.select_related("store", "store__account").get(pk=run_id))


def reconcile(store: Store, window_start: datetime, window_end: datetime, trigger: str) -> ReconciliationRun:
    """Compare and heal now; returns the finished run (done, or failed with the reason in `error`)."""
    record = ReconciliationRun.objects.create(store=store, trigger=trigger, status=Status.RUNNING, window_start=window_start,
                                              window_end=window_end, started_at=timezone.now())
    return _run(record)


# --- Reading -----------------------------------------------------------------------------------------------------


def runs(account, store_id) -> Iterable[ReconciliationRun]:
    from platen.stores.services import setup

    return ReconciliationRun.objects.filter(store=setup.get_store(account, store_id)).order_by("-started_at")


def get_run(account, store_id, run_id) -> ReconciliationRun:
    try:
        return runs(account, store_id).get(pk=run_id)
    except (ReconciliationRun.DoesNotExist, ValueError):
        raise NotFound("No such reconciliation run.") from None


# --- The comparison ----------------------------------------------------------------------------------------------


class _Tally:
    def __init__(self) -> None:
        self.counts = Counter({"imported": 0, "waiting": 0, "skipped": 0, "missing": 0, "healed": 0})
        self.reasons: Counter = Counter()
        self.missing: list[dict] = []
        self.healed: list[dict] = []
        self.listed = 0

    def save_into(self, record: ReconciliationRun) -> None:
        record.store_orders = self.listed
        record.counts, record.reasons = dict(self.counts), dict(self.reasons)
        record.missing, record.healed = self.missing[:MAX_LISTED], self.healed[:MAX_LISTED]


def _run(record: ReconciliationRun) -> ReconciliationRun:
    store = record.store
    tally = _Tally()
    error = ""
    if store.status != StoreStatus.ACTIVE:
        error = (f"The store is {importing.STATUS_WORDS.get(store.status, store.status)}: Platen cannot read its orders "
                 "until it is connected again.")
    else:
        try:
            with connections.connector_for(store) as lister, connections.connector_for(store) as fetcher:
                refs = _in_window(lister.order_refs_since(record.window_start), record, set())
                with _read_ahead(_chunks(refs, CHUNK)) as chunks, healing.Healer(store, fetcher, tally) as healer:
                    known = _recorded(StoreOrder.objects.filter(store=store, placed_at__gte=record.window_start,
                                                                placed_at__lt=record.window_end))
                    for chunk in chunks:
                        _compare(store, healer, chunk, known, tally)
        except base.AuthFailed as exc:
            error = importing.auth_sentence(store, exc)
            connections.change_status(store, StoreStatus.AUTH_FAILED, SYNC, reason=error)
        except base.ConnectorError as exc:
            error = f"The store could not be read: {exc.message}"
        except Exception:  # the run says it failed (what it found so far is kept); the job's log has the cause
            _finish(record, tally, "Platen could not finish this reconciliation; it runs again at the next one.")
            raise
    return _finish(record, tally, error)


def _finish(record: ReconciliationRun, tally: _Tally, error: str) -> ReconciliationRun:
    store = record.store
    tally.save_into(record)
    record.status, record.error = (Status.FAILED, error[:500]) if error else (Status.DONE, "")
    record.finished_at = timezone.now()
    record.save()
    log.info("store reconciled", extra={"store_id": store.pk, "run_id": record.pk, "status": record.status,
                                        "store_orders": record.store_orders, **{f"n_{k}": v for k, v in record.counts.items()}})
    return record


def _in_window(refs: Iterator[base.StoreOrderRef], record: ReconciliationRun,
               seen: set[str]) -> Iterator[base.StoreOrderRef]:
    """Orders placed in [window_start, window_end), each once (a platform may list an order changed mid-listing twice)."""
    for ref in refs:
        if record.window_start <= ref.placed_at < record.window_end and ref.external_id not in seen:
            seen.add(ref.external_id)
            yield ref


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(items, size)):
        yield chunk


_END = object()


@contextmanager
def _read_ahead(chunks: Iterator[list]) -> Iterator[Iterator[list]]:
    """`chunks`, produced from now on in a thread, up to READ_AHEAD ahead of the consumer; the thread's exception is
    raised to the consumer. At the block's end the thread ends after the page it is reading."""
    ahead: queue.Queue = queue.Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                ahead.put(chunk)
                if stop.is_set():
                    return
            ahead.put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it in the run's own thread
            ahead.put(exc)

    def consume() -> Iterator[list]:
        while (item := ahead.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item

    thread = threading.Thread(target=produce, name="reconcile-listing", daemon=True)
    thread.start()
    try:
        yield consume()
    finally:
        stop.set()
        while thread.is_alive():  # unblock a put waiting for room, until the thread has seen `stop`
            with suppress(queue.Empty):
                ahead.get(timeout=0.1)
        thread.join()


def _recorded(rows) -> dict[str, tuple[str, str, bool]]:
    """{external id: (bucket, reason code, linked to its order)}. The link is cleared when the order is deleted, so a
    linked row's order exists."""
    # The link as a boolean the database computes: reading 100,000 order ids as UUIDs took 4 times the CPU.
    linked = ExpressionWrapper(Q(order__isnull=False), output_field=BooleanField())
    rows = rows.annotate(linked=linked).values_list("external_id", "bucket", "reason_code", "linked")
    return {external_id: (bucket, code, link) for external_id, bucket, code, link in rows.iterator(chunk_size=10 * CHUNK)}


def _compare(store: Store, healer: healing.Healer, chunk: list[base.StoreOrderRef],
             known: dict[str, tuple[str, str, bool]], tally: _Tally) -> None:
    """`known`: the window's rows, read once; a row recorded with another placed time is found by id here."""
    ids = [ref.external_id for ref in chunk]
    if unknown := [external_id for external_id in ids if external_id not in known]:
        recorded = {**{i: known[i] for i in ids if i in known},
                    **_recorded(StoreOrder.objects.filter(store=store, external_id__in=unknown))}
    else:
        recorded = known
    orders = {i for i in ids if i in recorded and recorded[i][2]}
    if unlinked := [i for i in ids if i not in orders]:  # usually a few (waiting, skipped, missing): ask for them
        orders |= set(Order.objects.filter(account_id=store.account_id, channel=store.platform, source_key=str(store.pk),
                                           external_id__in=unlinked).values_list("external_id", flat=True))
    tally.listed += len(chunk)
    for ref in chunk:
        if ref.external_id in orders:
            tally.counts["imported"] += 1
        elif ref.external_id in recorded and recorded[ref.external_id][0] != Bucket.IMPORTED:
            bucket, code, _ = recorded[ref.external_id]
            tally.counts[bucket] += 1
            tally.reasons[code or "unknown"] += 1
        else:  # never recorded (or recorded as imported while its order is gone): fetch it whole and import it now
            tally.counts["missing"] += 1
            healer.heal(ref)
