"""Healing for reconciliation: a missing store order fetched whole and imported (importing.import_order, with its
intake request, as a pull does), its outcome applied to the run's tally in the order the store listed it.

A heal mostly waits: on the store (fetch_order) and on the database (about 20 round trips an import). So on
PostgreSQL, outside a transaction, HEALERS threads heal at once, each with its own connector and database
connection, while the run's thread goes on comparing. Otherwise (SQLite has one writer; a caller's open
transaction, e.g. a test's, is invisible to other connections) each heal runs at once in the caller's thread.
Either way an error that stops the run (the store refusing the token, the store unreachable) reaches the run's
thread; one order's failed import is only reported on the run.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections import deque
from concurrent.futures import Future
from contextlib import ExitStack

from django import db

from platen.intake import services as intake
from platen.stores.connectors import base
from platen.stores.models import Store
from platen.stores.services import connections, importing
from platen.stores.statuses import Bucket, SeenVia

log = logging.getLogger("platen.diagnostics.reconciliation")

HEALERS = 3
GONE = "The store deleted it while Platen was comparing; there is nothing to import."
NOT_IMPORTED = "Platen could not import it this time; it tries again at the next reconciliation."
_END = object()


class Healer:
    """`heal(ref)` for each missing order; `tally` (reconciliation._Tally) gets each outcome in listing order, at
    the latest when the `with` block ends."""

    def __init__(self, store: Store, fetcher: base.Connector, tally) -> None:
        self.store, self.fetcher, self.tally = store, fetcher, tally
        self.pending: deque[Future] = deque()
        self.work: queue.Queue = queue.Queue(maxsize=4 * HEALERS)  # the listing's memory bound holds here too
        self.stopped = threading.Event()
        connection = db.connection
        concurrent = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.threads = [threading.Thread(target=self._work, name=f"reconcile-heal-{n}", daemon=True)
                        for n in range(HEALERS if concurrent else 0)]

    def __enter__(self) -> Healer:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is not None:
            self.stopped.set()  # the run failed: the queued heals are dropped, not done
        for _ in self.threads:
            self.work.put(_END)
        for thread in self.threads:
            thread.join()
        if exc_type is None:
            self._apply(wait=True)

    def heal(self, ref: base.StoreOrderRef) -> None:
        if not self.threads:
            _apply(self.tally, heal(self.store, self.fetcher, ref))
            return
        future: Future = Future()
        self.pending.append(future)
        self.work.put((ref, future))
        self._apply(wait=False)

    def _apply(self, *, wait: bool) -> None:
        """The finished outcomes at the front (all of them when `wait`); raises a heal's error that stops the run."""
        while self.pending and (wait or self.pending[0].done()):
            _apply(self.tally, self.pending.popleft().result())

    def _work(self) -> None:
        try:
            with ExitStack() as stack:
                fetcher = None
                while (item := self.work.get()) is not _END:
                    ref, future = item
                    if self.stopped.is_set() or not future.set_running_or_notify_cancel():
                        continue
                    try:
                        fetcher = fetcher or stack.enter_context(connections.connector_for(self.store))
                        future.set_result(heal(self.store, fetcher, ref))
                    except BaseException as exc:  # raised in the run's thread when it takes this outcome
                        future.set_exception(exc)
        finally:
            db.connection.close()  # this thread's own


def heal(store: Store, fetcher: base.Connector, ref: base.StoreOrderRef) -> tuple[str, dict, str]:
    """Fetch and import one missing order: ("healed" | "missing", its entry on the run, its reason code)."""
    data = fetcher.fetch_order(ref.external_id)
    if data is None:  # deleted in the store since it was listed
        return "missing", entry(ref, why=GONE), ""
    request = intake.receive(store.account, store.platform, json.dumps(data.as_dict()), content_type="application/json",
                             store_id=store.pk)
    try:
        row = importing.import_order(store, data, SeenVia.PULL, request)
    except Exception:  # one order's failure is reported on the run (the log has the cause), the others go through
        log.exception("missing store order not imported", extra={"store_id": store.pk, "store_order": data.number})
        return "missing", entry(data, why=NOT_IMPORTED), ""
    if row.bucket == Bucket.IMPORTED and row.order_id:
        return "healed", {**entry(data), "orderId": str(row.order_id)}, ""
    code = row.reason_code or "unknown"
    return "missing", entry(data, why=row.reason, bucket=row.bucket, reasonCode=row.reason_code), code


def _apply(tally, outcome: tuple[str, dict, str]) -> None:
    kind, listed, code = outcome
    if kind == "healed":
        tally.counts["healed"] += 1
        tally.healed.append(listed)
        return
    if code:
        tally.reasons[code] += 1
    tally.missing.append(listed)


def entry(data: base.StoreOrder | base.StoreOrderRef, **more) -> dict:
    return {"externalId": data.external_id, "number": data.number, "placedAt": data.placed_at.isoformat(), **more}
