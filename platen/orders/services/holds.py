"""An operator holds a merchant's account: its checked orders wait in on_hold until the hold is released."""

from __future__ import annotations

from django.db import transaction

from platen.accounts.models import Account
from platen.orders import tasks
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment


def hold_account(account: Account, reason: str) -> None:
    with transaction.atomic():
        Account.objects.filter(pk=account.pk).update(on_hold=True, on_hold_reason=reason[:300])


def release_account(account: Account) -> int:
    """Lift the hold and resume every held order (one job each); returns how many."""
    with transaction.atomic():
        Account.objects.filter(pk=account.pk).update(on_hold=False, on_hold_reason="")
        held = Order.objects.filter(account=account, items__fulfillment_status=Fulfillment.ON_HOLD).distinct()
        for order in held:
            tasks.enqueue_resume(order)
        return len(held)
