"""Order statuses (wire names from the order API) and the transition tables.

Fulfilment status lives on items; the order's status is derived from them by `derive_order_status`.
Nothing is canceled or edited once printed: no move from printed or later leads to `canceled`.
"""

from enum import StrEnum


class Fulfillment(StrEnum):
    DRAFT = "draft"
    RECEIVED = "received"
    UPLOADING = "uploading"
    PASSED = "passed"
    FAILED = "failed"
    CREATED = "created"
    PENDING_APPROVAL = "pending_approval"
    PENDING_PERSONALIZATION = "pending_personalization"
    NOT_CONNECTED = "not_connected"
    ON_HOLD = "on_hold"
    IN_PRODUCTION = "in_production"
    PRINTED = "printed"
    PACKAGED = "packaged"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELED = "canceled"


class Financial(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    INVOICED = "invoiced"
    TO_BE_INVOICED = "to_be_invoiced"
    PAID = "paid"
    CANCELED = "canceled"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    REFUSED = "refused"


class OrderType(StrEnum):
    ORDER = "order"
    DRAFT = "draft"


F = Fulfillment
ITEM_TRANSITIONS: dict[Fulfillment, frozenset[Fulfillment]] = {
    F.DRAFT: frozenset({F.RECEIVED, F.CANCELED}),
    F.RECEIVED: frozenset({F.UPLOADING, F.PASSED, F.FAILED, F.NOT_CONNECTED, F.PENDING_PERSONALIZATION, F.ON_HOLD, F.CANCELED}),
    F.UPLOADING: frozenset({F.PASSED, F.FAILED, F.CANCELED}),
    F.PASSED: frozenset({F.PENDING_APPROVAL, F.CREATED, F.ON_HOLD, F.FAILED, F.CANCELED}),
    F.FAILED: frozenset({F.RECEIVED, F.CANCELED}),
    F.NOT_CONNECTED: frozenset({F.RECEIVED, F.CANCELED}),
    F.PENDING_PERSONALIZATION: frozenset({F.RECEIVED, F.CANCELED}),
    F.PENDING_APPROVAL: frozenset({F.CREATED, F.CANCELED}),
    F.ON_HOLD: frozenset({F.RECEIVED, F.PASSED, F.CREATED, F.CANCELED}),
    F.CREATED: frozenset({F.IN_PRODUCTION, F.ON_HOLD, F.FAILED, F.CANCELED}),
    F.IN_PRODUCTION: frozenset({F.PRINTED, F.FAILED, F.CANCELED}),
    F.PRINTED: frozenset({F.PACKAGED, F.SHIPPED}),
    F.PACKAGED: frozenset({F.SHIPPED}),
    F.SHIPPED: frozenset({F.IN_TRANSIT, F.DELIVERED, F.RETURNED}),
    F.IN_TRANSIT: frozenset({F.DELIVERED, F.RETURNED}),
    F.DELIVERED: frozenset({F.RETURNED}),
    F.RETURNED: frozenset(),
    F.CANCELED: frozenset(),
}

# Printed and everything after it: no cancel, no edit, no address change.
PRINTED_OR_LATER = frozenset({F.PRINTED, F.PACKAGED, F.SHIPPED, F.IN_TRANSIT, F.DELIVERED, F.RETURNED})

FIN = Financial
FINANCIAL_TRANSITIONS: dict[Financial, frozenset[Financial]] = {
    FIN.DRAFT: frozenset({FIN.PENDING, FIN.CANCELED}),
    FIN.PENDING: frozenset({FIN.INVOICED, FIN.TO_BE_INVOICED, FIN.PAID, FIN.REFUSED, FIN.CANCELED}),
    FIN.TO_BE_INVOICED: frozenset({FIN.INVOICED, FIN.CANCELED}),
    FIN.INVOICED: frozenset({FIN.PAID, FIN.REFUSED, FIN.CANCELED}),
    FIN.PAID: frozenset({FIN.PARTIALLY_REFUNDED, FIN.REFUNDED}),
    FIN.PARTIALLY_REFUNDED: frozenset({FIN.REFUNDED}),
    FIN.REFUSED: frozenset({FIN.PENDING, FIN.CANCELED}),
    FIN.REFUNDED: frozenset(),
    FIN.CANCELED: frozenset(),
}

# States that wait for someone to act win over progress when deriving the order status,
# so an order with one failed item shows `failed`, not the progress of its other items.
_NEEDS_ACTION = (F.FAILED, F.NOT_CONNECTED, F.PENDING_PERSONALIZATION, F.PENDING_APPROVAL, F.ON_HOLD)
_PROGRESS = (
    F.DRAFT, F.RECEIVED, F.UPLOADING, F.PASSED, F.CREATED, F.IN_PRODUCTION,
    F.PRINTED, F.PACKAGED, F.SHIPPED, F.IN_TRANSIT, F.DELIVERED, F.RETURNED,
)


def derive_order_status(item_statuses: list[Fulfillment]) -> Fulfillment:
    """The order's fulfilment status from its (not ignored) items' statuses. Pure.

    All canceled -> canceled; otherwise canceled items drop out; a state that needs action wins;
    otherwise the least advanced item sets the pace (an order is shipped when every item is).
    """
    active = [Fulfillment(s) for s in item_statuses if s != F.CANCELED]
    if not active:
        return F.CANCELED
    for status in _NEEDS_ACTION:
        if status in active:
            return status
    return min(active, key=_PROGRESS.index)


def can_move(current: Fulfillment, target: Fulfillment) -> bool:
    return Fulfillment(target) in ITEM_TRANSITIONS[Fulfillment(current)]
