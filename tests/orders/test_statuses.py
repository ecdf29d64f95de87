from hypothesis import given
from hypothesis import strategies as st

from platen.orders.statuses import (
    FINANCIAL_TRANSITIONS, ITEM_TRANSITIONS, PRINTED_OR_LATER, Financial, Fulfillment, derive_order_status,
)

F = Fulfillment


def test_every_status_has_a_row_in_the_tables():
    assert set(ITEM_TRANSITIONS) == set(Fulfillment)
    assert set(FINANCIAL_TRANSITIONS) == set(Financial)


def test_wire_names_are_the_reference_ones():
    assert {s.value for s in Fulfillment} == {
        "draft", "received", "uploading", "passed", "failed", "created", "pending_approval",
        "pending_personalization", "not_connected", "on_hold", "in_production", "printed", "packaged",
        "shipped", "in_transit", "delivered", "returned", "canceled",
    }
    assert {s.value for s in Financial} == {
        "draft", "pending", "invoiced", "to_be_invoiced", "paid", "canceled", "partially_refunded", "refunded", "refused",
    }


def test_nothing_printed_or_later_can_be_canceled_or_go_back():
    for status in PRINTED_OR_LATER:
        assert F.CANCELED not in ITEM_TRANSITIONS[status]
        assert not ITEM_TRANSITIONS[status] & {F.RECEIVED, F.PASSED, F.CREATED, F.IN_PRODUCTION, F.DRAFT}


def test_delivered_never_moves_back_to_shipped():
    assert F.SHIPPED not in ITEM_TRANSITIONS[F.DELIVERED]
    assert F.IN_TRANSIT not in ITEM_TRANSITIONS[F.DELIVERED]


def test_terminal_states():
    assert ITEM_TRANSITIONS[F.CANCELED] == frozenset()
    assert ITEM_TRANSITIONS[F.RETURNED] == frozenset()


def test_order_status_examples():
    assert derive_order_status([F.PASSED, F.PASSED]) == F.PASSED
    assert derive_order_status([F.PASSED, F.FAILED]) == F.FAILED
    assert derive_order_status([F.SHIPPED, F.PRINTED]) == F.PRINTED
    assert derive_order_status([F.CANCELED, F.SHIPPED]) == F.SHIPPED
    assert derive_order_status([F.CANCELED, F.CANCELED]) == F.CANCELED
    assert derive_order_status([F.ON_HOLD, F.FAILED]) == F.FAILED
    assert derive_order_status([F.DELIVERED, F.RETURNED]) == F.DELIVERED


@given(st.lists(st.sampled_from(list(Fulfillment)), min_size=1, max_size=8))
def test_derived_status_is_one_of_the_items_and_ignores_order(statuses):
    derived = derive_order_status(statuses)
    assert derived in statuses
    assert derive_order_status(list(reversed(statuses))) == derived
    if all(s == statuses[0] for s in statuses):
        assert derived == statuses[0]
