"""The status-time rollup (diagnostics.StatusSpan): one row per stretch of time an order spent in one status.

Written live by `record_spans`, an orders.events subscriber (DiagnosticsConfig.ready), inside the transaction that
writes the status change; `rebuild` recomputes it from the order history (OrderEvent: order_created/draft_created
open the first status, order_status_changed params from/to close one and open the next, at the event's created_at).
Why a rollup: see StatusSpan's docstring.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from platen.diagnostics.models import StatusSpan
from platen.orders import events
from platen.orders.models import Order, OrderEvent

BIRTHS = (events.ORDER_CREATED, events.DRAFT_CREATED)
TRACKED = (*BIRTHS, events.ORDER_STATUS_CHANGED)


def record_spans(entries: list[OrderEvent]) -> None:
    """Subscriber: births open a span; a status change closes the order's open span and opens the next one."""
    by_order: dict = defaultdict(list)
    for e in entries:
        if e.type in TRACKED:
            by_order[e.order_id].append(e)
    if not by_order:
        return
    born = {oid for oid, evs in by_order.items() if evs[0].type in BIRTHS}
    open_spans = {s.order_id: s for s in StatusSpan.objects.filter(
        order_id__in=[oid for oid in by_order if oid not in born], left_at__isnull=True)}
    closing, opening = [], []
    for order_id, evs in by_order.items():
        current = open_spans.get(order_id)
        for span in _walk(evs[0].order, evs, current):
            (closing if span.pk else opening).append(span)
    if closing:
        StatusSpan.objects.bulk_update(closing, ["left_at", "seconds"])
    if opening:
        StatusSpan.objects.bulk_create(opening)


def rebuild(order_ids: Iterable | None = None, *, batch: int = 2000) -> int:
    """Recompute the spans of these orders (all when None) from their history; returns how many were written."""
    orders = Order.objects.all() if order_ids is None else Order.objects.filter(pk__in=list(order_ids))
    written = 0
    ids = list(orders.values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        StatusSpan.objects.filter(order_id__in=chunk).delete()
        history = defaultdict(list)
        for e in OrderEvent.objects.filter(order_id__in=chunk, type__in=TRACKED).select_related("order").order_by("order_id", "id"):
            history[e.order_id].append(e)
        spans = [s for evs in history.values() for s in _walk(evs[0].order, evs, None)]
        StatusSpan.objects.bulk_create(spans)
        written += len(spans)
    return written


def _walk(order: Order, evs: list[OrderEvent], current: StatusSpan | None) -> list[StatusSpan]:
    """The spans `evs` (one order's events, oldest first) close and open, starting from the open span `current`."""
    touched = []
    changes = [e for e in evs if e.type == events.ORDER_STATUS_CHANGED]
    for e in evs:
        if e.type in BIRTHS:
            # The birth status: the first change's "from" (a new order can be moved in the insert that creates it).
            status = changes[0].params.get("from") if changes else order.fulfillment_status
            current = _open(order, status, e.created_at)
            touched.append(current)
        elif e.type == events.ORDER_STATUS_CHANGED:
            if current is not None:
                current.left_at = e.created_at
                current.seconds = max(0, int((e.created_at - current.entered_at).total_seconds()))
                if current.pk and current not in touched:
                    touched.append(current)
            current = _open(order, e.params.get("to"), e.created_at)
            touched.append(current)
    return touched


def _open(order: Order, status: str, at) -> StatusSpan:
    return StatusSpan(order_id=order.pk, account_id=order.account_id, channel=order.channel, store_id=order.store_id,
                      status=str(status), entered_at=at)
