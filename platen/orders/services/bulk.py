"""One decision for many orders: each order goes through its own service call (its own transaction),
so one refusal never undoes or blocks the others."""

from __future__ import annotations

from dataclasses import dataclass, field

from platen.kit.actors import Actor
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound, PlatenError
from platen.orders.models import Order
from platen.orders.services import approval, changes
from platen.orders.services.queries import brief
from platen.orders.statuses import Fulfillment

ACTIONS = {"approve": approval.approve, "reject": approval.reject, "cancel": changes.cancel, "reprocess": changes.reprocess}
WITH_REASON = frozenset({"reject", "cancel"})
MAX_ORDERS = 100  # a page holds 25; more than this is not a selection someone made by hand


@dataclass(frozen=True)
class Refusal:
    order_id: str  # as given (it may not be an order at all)
    reference: str  # "" when no such order exists for the caller
    status: str  # the order's status when it was refused
    error: PlatenError


@dataclass
class Outcome:
    action: str
    done: list[Order] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def apply(account, action: str, order_ids: list[str], actor: Actor, reason: str = "") -> Outcome:
    if action not in ACTIONS:
        raise InvalidRequest("Choose what to do with the selected orders.",
                             [Detail("action", f"Use one of: {', '.join(ACTIONS)}.")], code="unknown_bulk_action")
    order_ids = list(dict.fromkeys(str(i) for i in order_ids))  # once each, in the order given
    if not order_ids:
        raise InvalidRequest("Select at least one order first.", code="nothing_selected")
    if len(order_ids) > MAX_ORDERS:
        raise InvalidRequest(f"Select at most {MAX_ORDERS} orders at a time.", code="too_many_orders")
    extra = {"reason": reason} if action in WITH_REASON else {}
    outcome = Outcome(action)
    for order_id in order_ids:
        try:
            _refuse_repeated_cancel(account, action, order_id)
            outcome.done.append(ACTIONS[action](account, order_id, actor, **extra))
        except PlatenError as exc:
            outcome.refused.append(_refusal(account, order_id, exc))
    return outcome


def _refuse_repeated_cancel(account, action: str, order_id: str) -> None:
    # Canceling a canceled order is a quiet no-op for the API; in a bulk answer it must not count as done.
    if action == "cancel" and (brief(account, order_id) or {}).get("fulfillment_status") == Fulfillment.CANCELED:
        raise Conflict("The order is already canceled.", code="order_canceled")


def _refusal(account, order_id: str, exc: PlatenError) -> Refusal:
    row = brief(account, order_id)
    if row is None:
        return Refusal(order_id, "", "", exc if isinstance(exc, NotFound) else NotFound(code="order_not_found"))
    return Refusal(order_id, row["order_reference_id"], row["fulfillment_status"], exc)
