"""Whatever order checkpoints arrive in, and however they are split across deliveries, the package ends where
the carrier's newest word puts it, each checkpoint is stored once, and no move ever goes backwards."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platen.orders import events
from platen.orders.models import OrderEvent
from platen.production.carriers.base import (
    DELIVERED,
    IN_TRANSIT,
    SHIPPED,
    Checkpoint,
    TrackerState,
)
from platen.production.models import TrackingEvent
from platen.production.services import tracking
from tests.production.factories import carrier, created_order, poster_item, ship, source

START = datetime(2024, 8, 1, 8, 0, tzinfo=UTC)
JOURNEY = [  # the carrier's own story, in its own time
    Checkpoint(START, "pre_transit", SHIPPED, "Label created"),
    Checkpoint(START + timedelta(hours=5), "in_transit", IN_TRANSIT, "Picked up", "ORLANDO, FL, US"),
    Checkpoint(START + timedelta(hours=30), "in_transit", IN_TRANSIT, "Departed facility", "KENLY, NC, US"),
    Checkpoint(START + timedelta(hours=50), "out_for_delivery", IN_TRANSIT, "Out for delivery", "BROOKLYN, NY, US"),
    Checkpoint(START + timedelta(hours=54), "delivered", DELIVERED, "Delivered", "BROOKLYN, NY, US"),
]
CODES = itertools.count(1)
RANK = {"shipped": 0, "in_transit": 1, "delivered": 2}


@pytest.fixture
def journey_order(api, settle):
    carrier("fedex", "FedEx")

    def make(code):
        order = created_order(api, settle, items=[poster_item()])
        ship(order, tracking_code=code)
        return order

    return make


deliveries = st.lists(st.lists(st.sampled_from(range(len(JOURNEY))), min_size=1, max_size=5), min_size=1, max_size=6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batches=deliveries)
def test_no_delivery_order_moves_a_package_backwards(journey_order, batches):
    code = f"PROP{next(CODES):06d}"
    order = journey_order(code)
    src = source()
    for batch in batches:
        checkpoints = tuple(sorted({JOURNEY[i] for i in batch}, key=lambda c: c.occurred_at))
        tracking.apply(TrackerState(f"trk_{code}", code, "FedEx", checkpoints[-1].carrier_status, checkpoints[-1].status,
                                    checkpoints), source=src)

    seen = {i for batch in batches for i in batch}
    order.refresh_from_db()
    moves = [e.params["to"] for e in OrderEvent.objects.filter(order=order, type=events.ORDER_STATUS_CHANGED).order_by("id")
             if e.params["to"] in RANK and e.params["from"] in RANK]
    assert moves == sorted(moves, key=RANK.get) and len(moves) == len(set(moves))  # forward only, each once
    assert TrackingEvent.objects.filter(tracker__package__order=order).count() == len(seen)
    if 4 in seen:
        assert order.fulfillment_status == "delivered"
    elif seen & {1, 2, 3}:
        assert order.fulfillment_status == "in_transit"
    else:
        assert order.fulfillment_status == "shipped"
