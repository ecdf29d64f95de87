"""Background jobs of the order pipeline. They take ids, reload, re-check state and are idempotent."""

from __future__ import annotations

from datetime import timedelta

from platen.jobs import enqueue, job
from platen.orders import pipeline
from platen.orders.models import ItemFile, Order
from platen.orders.statuses import Fulfillment
from platen.preflight.fetching import FetchFailed, fetch_print_file


@job(queue="default", max_attempts=10)
def check_order(order_id: str) -> None:
    pipeline.check(order_id)


@job(queue="default", max_attempts=10)
def fetch_files(order_id: str) -> None:
    """Fetch every file of the order's uploading items (no transaction held while downloading)."""
    files = ItemFile.objects.filter(item__order_id=order_id, item__fulfillment_status=Fulfillment.UPLOADING)
    outcomes: dict[int, str | None] = {}
    for file in files:
        try:
            fetched = fetch_print_file(file.url)
        except FetchFailed as exc:
            outcomes[file.id] = exc.reason
            continue
        ItemFile.objects.filter(pk=file.pk).update(
            content_sha256=fetched.sha256, size=fetched.size, detected_type=fetched.detected_type or "",
        )
        outcomes[file.id] = None
    pipeline.record_files(order_id, outcomes)


@job(queue="default", max_attempts=10)
def auto_approve(order_id: str) -> None:
    pipeline.approve_after_delay(order_id)


@job(queue="default", max_attempts=10)
def resume_order(order_id: str) -> None:
    pipeline.resume(order_id)


def enqueue_check(order: Order) -> None:
    enqueue(check_order, str(order.id))


def enqueue_fetch(order: Order) -> None:
    enqueue(fetch_files, str(order.id))


def enqueue_auto_approval(order: Order, hours: int) -> None:
    enqueue(auto_approve, str(order.id), delay=timedelta(hours=hours))


def enqueue_resume(order: Order) -> None:
    enqueue(resume_order, str(order.id))
