"""Every move in the item table is allowed through the transition function, every other one refused."""

import itertools

import pytest
from django.db import transaction

from platen.kit.actors import Actor
from platen.orders.models import Order, OrderEvent, OrderItem
from platen.orders.statuses import ITEM_TRANSITIONS, Fulfillment
from platen.orders.transitions import TransitionRefused, transition_financial, transition_items
from tests.orders.factories import order_payload

pytestmark = pytest.mark.django_db
PAIRS = list(itertools.product(Fulfillment, Fulfillment))


@pytest.fixture
def order(api):
    return Order.objects.get(pk=api.post("/v4/orders", order_payload()).json()["id"])


def put_items_in(order, status):
    # Test setup only: place the items in `status` directly, as if they had travelled there.
    OrderItem.objects.filter(order=order).update(fulfillment_status=status)
    Order.objects.filter(pk=order.pk).update(fulfillment_status=status)
    order.refresh_from_db()


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_item_move(order, current, target):
    put_items_in(order, current)
    events_before = OrderEvent.objects.count()
    allowed = target in ITEM_TRANSITIONS[current]
    with transaction.atomic():
        items = list(order.items.all())
        if allowed:
            transition_items(order, items, target, Actor.system())
        else:
            with pytest.raises(TransitionRefused):
                transition_items(order, items, target, Actor.system())
    order.refresh_from_db()
    expected = target if allowed else current
    assert set(order.items.values_list("fulfillment_status", flat=True)) == {expected}
    assert order.fulfillment_status == expected
    new_events = OrderEvent.objects.count() - events_before
    assert new_events == (3 if allowed else 0)  # two item moves + the order's move


def test_a_refused_item_refuses_the_whole_move(order):
    first, second = order.items.all()
    OrderItem.objects.filter(pk=second.pk).update(fulfillment_status="printed")
    with transaction.atomic(), pytest.raises(TransitionRefused):
        transition_items(order, list(order.items.all()), Fulfillment.CANCELED, Actor.system())
    assert set(order.items.values_list("fulfillment_status", flat=True)) == {"received", "printed"}


@pytest.mark.django_db(transaction=True)
def test_transitions_need_the_services_transaction(order):
    with pytest.raises(RuntimeError):
        transition_items(order, list(order.items.all()), Fulfillment.CREATED, Actor.system())


def test_financial_moves_follow_their_table(order):
    with transaction.atomic():
        transition_financial(order, "paid", Actor.system())
        with pytest.raises(TransitionRefused):
            transition_financial(order, "pending", Actor.system())
        transition_financial(order, "refunded", Actor.system())
    order.refresh_from_db()
    assert order.financial_status == "refunded"
    assert list(order.events.filter(type="financial_status_changed").values_list("params", flat=True)) == [
        {"from": "pending", "to": "paid"}, {"from": "paid", "to": "refunded"},
    ]
