"""Background jobs of the order pipeline. They take ids, reload, re-check state and are idempotent.

A step that fails unexpectedly is written into the order's history (then retried by the job system), so
the merchant sees why an order stands still without asking an operator.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from django.db import transaction

from platen.catalog import services as catalog
from platen.jobs import Retry, enqueue, job
from platen.kit.actors import Actor
from platen.orders import events
from platen.orders import pipeline
from platen.orders.models import ItemFile, Order
from platen.orders.statuses import Fulfillment
from platen.preflight import services as preflight
from platen.preflight.fetching import FetchFailed, FetchedFile, fetch_print_file, stored_file
from platen.preflight.report import Report


def recorded(step: str):
    def wrap(func):
        @functools.wraps(func)
        def run(order_id: str) -> None:
            try:
                func(order_id)
            except Retry:
                raise
            except Exception as exc:
                _record_failure(order_id, step, exc)
                raise

        return run

    return wrap


def _record_failure(order_id: str, step: str, exc: Exception) -> None:
    with transaction.atomic():
        order = Order.objects.filter(pk=order_id).first()
        if order is not None:
            events.record(order, events.JOB_FAILED, Actor.system("jobs"), params={"step": step, "error": type(exc).__name__},
                          reason=f"{step.capitalize()} failed on our side ({type(exc).__name__}: {exc}); it is tried again automatically.")


@job(queue="default", max_attempts=10)
@recorded("the checks")
def check_order(order_id: str) -> None:
    pipeline.check(order_id)


FETCH_ATTEMPTS = 4  # a timeout or a 5xx is tried again (30 s, 1 min, 2 min) before it fails the item


@job(queue="default", max_attempts=10)
@recorded("fetching and checking the print files")
def fetch_files(order_id: str) -> None:
    """Fetch and preflight every file of the order's uploading items (no transaction held meanwhile).
    A URL used by several items is fetched once; a content is inspected once (preflight caches its facts);
    files already checked are skipped, so a repeated run only does what is left."""
    files = ItemFile.objects.filter(item__order_id=order_id, item__fulfillment_status=Fulfillment.UPLOADING) \
        .select_related("item")
    fetched_by_url: dict[str, FetchedFile] = {}
    outcomes: dict[int, str | None] = {}
    again = 0
    for file in files:
        if file.preflight is not None:
            outcomes[file.id] = None
            continue
        try:
            fetched = fetched_by_url.get(file.url) or _obtain(file)
        except FetchFailed as exc:
            file.fetch_attempts += 1
            ItemFile.objects.filter(pk=file.pk).update(fetch_attempts=file.fetch_attempts)
            if exc.transient and file.fetch_attempts < FETCH_ATTEMPTS:
                again = max(again, file.fetch_attempts)
            else:
                outcomes[file.id] = exc.reason
            continue
        fetched_by_url[file.url] = fetched
        report = _preflight(file, fetched)
        preflight.make_preview(fetched.path, fetched.sha256, fetched.detected_type)
        ItemFile.objects.filter(pk=file.pk).update(
            content_sha256=fetched.sha256, size=fetched.size, detected_type=fetched.detected_type,
            fetch_attempts=file.fetch_attempts + 1, preflight=report.to_dict(),
        )
        outcomes[file.id] = None
    if again:
        raise Retry(after=timedelta(seconds=30 * 2 ** (again - 1)), reason="A print file's server did not answer; trying again.")
    pipeline.record_files(order_id, outcomes)


def _obtain(file: ItemFile) -> FetchedFile:
    """An uploaded file is already in the store; any other is fetched from its URL."""
    if file.uploaded_as:
        return stored_file(file.content_sha256, file.detected_type)
    return fetch_print_file(file.url)


def _preflight(file: ItemFile, fetched: FetchedFile) -> Report:
    product = catalog.get_product(file.item.product_uid)
    spec = preflight.spec_for(product, file_type=file.type, page_count=file.item.page_count) if product else None
    return preflight.check_stored_file(fetched.path, fetched.sha256, fetched.detected_type, spec)


@job(queue="default", max_attempts=10)
@recorded("the delayed approval")
def auto_approve(order_id: str) -> None:
    pipeline.approve_after_delay(order_id)


@job(queue="default", max_attempts=10)
@recorded("resuming after the hold")
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
