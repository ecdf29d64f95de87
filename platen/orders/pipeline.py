"""The order pipeline after intake, one step per job (orders/tasks.py):

    received --check--> failed | pending_personalization | uploading --files--> failed | passed
    passed (every active item) --approval--> on_hold | pending_approval | created

Each step reloads the order under a row lock, acts only on the items still in the step's status (so a
repeated run changes nothing), moves them through the transition table and enqueues the next step in the
same transaction. Network work (fetching files) happens outside any transaction.
"""

from __future__ import annotations

import functools

from django.db import transaction

from platen.accounts.models import ApprovalMode
from platen.catalog import services as catalog
from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.models import Order, OrderItem
from platen.orders.services.processing import CHECK_FIELDS, SYSTEM as CHECKS, failure_reason, run_checks
from platen.orders.statuses import Fulfillment
from platen.orders.transitions import plan_items, transition_items

F = Fulfillment
PIPELINE = Actor.system("pipeline")
ROUTING_HOLD = "no_facility"  # the problem code of an order production's routing put on hold


def _locked_step(step):
    """A pipeline step is called with an order id; it runs in one transaction with the order row-locked and
    its items loaded, and does nothing when the order is gone (a draft deleted before its job ran)."""

    @functools.wraps(step)
    def run(order_id, *args) -> None:
        with transaction.atomic():
            order = Order.objects.select_for_update(of=("self",)).select_related("shipping_address", "account") \
                .prefetch_related("items__files").filter(pk=order_id).first()
            if order is not None:
                step(order, list(order.items.all()), *args)

    return run


def active(items: list[OrderItem]) -> list[OrderItem]:
    return [i for i in items if not i.is_ignored and i.fulfillment_status != F.CANCELED]


@_locked_step
def check(order: Order, items: list[OrderItem]) -> None:
    """received -> failed, or per item pending_personalization (no artwork yet) or uploading."""
    from platen.orders import tasks  # here, not at the top: the jobs in tasks call this module

    received = [i for i in active(items) if i.fulfillment_status == F.RECEIVED]
    if not received:
        return
    history = [run_checks(order, received)]
    if order.problems:
        history += plan_items(order, items, received, F.FAILED, CHECKS, reason=failure_reason(order))
    else:
        waiting = [i for i in received if not i.files.all() and catalog.personalizable(i.product_uid)]
        ready = [i for i in received if i not in waiting]
        if waiting:
            history += plan_items(order, items, waiting, F.PENDING_PERSONALIZATION, CHECKS,
                                  reason="Waiting for the customer's personalization (the print files).")
        if ready:
            history += plan_items(order, items, ready, F.UPLOADING, CHECKS)
    _persist(order, items, history, CHECK_FIELDS)
    if any(i.fulfillment_status == F.UPLOADING for i in items):
        tasks.enqueue_fetch(order)


@_locked_step
def record_files(order: Order, items: list[OrderItem], outcomes: dict[int, str | None]) -> None:
    """uploading -> passed, or failed with the reasons: `outcomes` maps ItemFile ids to a fetch failure or None;
    a fetched file's preflight report (stored on it) fails the item when one of its checks failed."""
    uploading = [i for i in items if i.fulfillment_status == F.UPLOADING]
    if not uploading:
        return
    failed, history = [], []
    for item in uploading:
        problems = [p for file in item.files.all() for p in file_problems(item, file, outcomes.get(file.id))]
        if problems:
            failed.append(item)
            order.problems = [*order.problems, *problems]
    if failed:
        history += plan_items(order, items, failed, F.FAILED, PIPELINE, reason=failure_reason(order))
    checked = [i for i in uploading if i not in failed]
    if checked:
        history += plan_items(order, items, checked, F.PASSED, PIPELINE, reason="Print files fetched and checked.")
    history += _approval(order, items)
    _persist(order, items, history, ["problems"])


def file_problems(item: OrderItem, file, fetch_failure: str | None) -> list[dict]:
    field = f"items[{item.position}].files[{file.position}]"
    if fetch_failure:
        return [{"field": field, "code": "file_not_fetched", "message": fetch_failure}]
    checks = (file.preflight or {}).get("checks", [])
    return [{"field": field, "code": f"file_{c['check']}", "message": c["message"]} for c in checks if not c["passed"]]


@_locked_step
def resume(order: Order, items: list[OrderItem]) -> None:
    """After the account's hold is released: on_hold -> passed, then the approval step as usual. An order that
    production's routing holds (no facility can make it) is not the account's hold: routing releases it."""
    held = [i for i in active(items) if i.fulfillment_status == F.ON_HOLD]
    if not held or any(p.get("code") == ROUTING_HOLD for p in order.problems):
        return
    history = plan_items(order, items, held, F.PASSED, PIPELINE, reason="The account's hold was released.")
    history += _approval(order, items)
    _persist(order, items, history, [])


def _approval(order: Order, items: list[OrderItem]) -> list:
    """passed -> on_hold (account on hold), pending_approval (manual or delayed) or created."""
    from platen.orders import tasks

    live = active(items)
    if not live or any(i.fulfillment_status != F.PASSED for i in live):
        return []  # other items still on their way: the order moves on together
    account = order.account
    if account.on_hold:
        return plan_items(order, items, live, F.ON_HOLD, PIPELINE,
                          reason=f"The account is on hold: {account.on_hold_reason or 'ask your Platen operator'}.")
    if account.approval_mode == ApprovalMode.AUTOMATIC:
        return plan_items(order, items, live, F.CREATED, PIPELINE, reason="Approved automatically.")
    history = plan_items(order, items, live, F.PENDING_APPROVAL, PIPELINE, reason="Waiting for the merchant's approval.")
    if account.approval_mode == ApprovalMode.DELAYED:
        tasks.enqueue_auto_approval(order, hours=account.approval_delay_hours)
        history.append(events.event(order, events.APPROVAL_SCHEDULED, PIPELINE,
                                    params={"afterHours": account.approval_delay_hours}))
    return history


@_locked_step
def approve_after_delay(order: Order, items: list[OrderItem]) -> None:
    """The approval delay ran out: approve, unless the merchant approved or canceled it meanwhile."""
    approve(order, items, Actor.system("approval delay"), "Approved automatically after the delay.")


def approve(order: Order, items: list[OrderItem], actor: Actor, reason: str) -> None:
    """pending_approval -> created (by the merchant, an operator, or the delay running out)."""
    waiting = [i for i in active(items) if i.fulfillment_status == F.PENDING_APPROVAL]
    if waiting:
        transition_items(order, waiting, F.CREATED, actor, reason=reason, siblings=items)




def _persist(order: Order, items: list[OrderItem], history: list, fields: list[str]) -> None:
    OrderItem.objects.bulk_update(items, ["fulfillment_status"])
    order.save(update_fields=[*fields, "fulfillment_status", "updated_at"])
    events.save_all(history)
