"""Approval settings, and what happens to the orders waiting for approval when the merchant goes back to automatic."""

from __future__ import annotations

from dataclasses import dataclass

from platen.accounts.models import Account, ApprovalMode
from platen.accounts.services import set_approval
from platen.kit.actors import Actor
from platen.kit.errors import PlatenError
from platen.orders.models import Order
from platen.orders.services import approval
from platen.orders.statuses import Fulfillment


@dataclass(frozen=True)
class Released:
    released: int
    skipped: int  # approved, canceled or changed by someone else meanwhile


def waiting_for_approval(account: Account) -> int:
    return _waiting(account).count()


def switch_to_automatic(account: Account, actor: Actor, *, release: bool, delay_hours: int | None = None) -> Released:
    """Automatic from now on; with `release`, every order still waiting is approved, each in its own transaction
    (with its history), so one that changed meanwhile is skipped without holding the others back."""
    set_approval(account, ApprovalMode.AUTOMATIC, delay_hours)
    if not release:
        return Released(0, 0)
    released = skipped = 0
    for order_id in list(_waiting(account).values_list("pk", flat=True)):
        try:
            approval.approve(account, order_id, actor)
        except PlatenError:
            skipped += 1
        else:
            released += 1
    return Released(released, skipped)


def _waiting(account: Account):
    return (Order.objects.filter(account=account, items__fulfillment_status=Fulfillment.PENDING_APPROVAL)
            .order_by("created_at").distinct())
