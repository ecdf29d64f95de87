"""What merchants see of tracking: the order page's packages (latest checkpoint, the problem or why it came
back), the history's carrier lines, and the orders list's "Shipping problems" filter."""

from __future__ import annotations

import pytest
from django.test import Client

from platen.accounts import services as accounts
from platen.production.carriers import aftership, easypost
from platen.production.services import tracking
from tests.production.factories import carrier, created_order, poster_item, ship, source


@pytest.fixture
def merchant_client(account):
    client = Client()
    client.force_login(accounts.create_user(account, "merchant@acme.test", "correct horse battery staple"))
    return client


def shipped(api, settle, code, carrier_code="fedex", name="FedEx"):
    carrier(carrier_code, name)
    order = created_order(api, settle, items=[poster_item()])
    return order, ship(order, tracking_code=code, carrier_code=carrier_code)


def lost(code):
    return easypost.parse_tracker({"id": f"trk_{code}", "tracking_code": code, "carrier": "FedEx", "status": "failure",
                                   "status_detail": "lost", "tracking_details": [
                                       {"datetime": "2024-05-01T10:00:00Z", "status": "in_transit", "message": "Picked up",
                                        "tracking_location": {"city": "ORLANDO", "state": "FL", "country": "US"}},
                                       {"datetime": "2024-05-04T10:00:00Z", "status": "failure", "status_detail": "lost",
                                        "message": "Package lost in transit", "tracking_location": {"city": "KENLY", "state": "NC"}}]})


def test_the_order_page_shows_the_parcel_its_latest_news_and_its_problem(api, settle, merchant_client):
    order, package = shipped(api, settle, "LOST-1")
    tracking.apply(lost("LOST-1"), source=source())

    page = merchant_client.get(f"/orders/{order.id}/").content.decode()

    assert 'data-testid="packages"' in page and "LOST-1" in page and package.tracking_url in page
    assert "“Package lost in transit”" in page and "at KENLY, NC" in page
    assert "Problem:</strong> The carrier reports the parcel lost." in page
    assert "Shipping problem with parcel LOST-1" in page  # the history line
    assert "Carrier update: “Picked up” at ORLANDO, FL, US on 1 May 2024 10:00" not in page  # it moved the order:
    assert "The carrier reports “Picked up” at ORLANDO, FL, US on 1 May 2024 10:00 UTC." in page  # said as the move's reason
    assert "reported by FedEx via EasyPost" in page


def test_a_returned_parcel_shows_why(api, settle, merchant_client):
    order, _ = shipped(api, settle, "RT-9", "dhl", "DHL")
    state = aftership.parse_tracking({"id": "as-9", "slug": "dhl", "tracking_number": "RT-9", "tag": "Exception", "subtag": "Exception_011",
                                      "checkpoints": [{"checkpoint_time": "2024-03-06T08:00:00+01:00", "tag": "Exception",
                                                       "subtag": "Exception_011", "message": "Returned to sender: address unknown"}]})
    tracking.apply(state, source=source("aftership"))

    page = merchant_client.get(f"/orders/{order.id}/").content.decode()

    assert "Returned:</strong> The address is wrong or incomplete." in page


def test_late_updates_read_as_kept(api, settle, merchant_client):
    order, _ = shipped(api, settle, "LATE-1")
    src = source()
    tracking.apply(easypost.parse_tracker({"id": "trk_late", "tracking_code": "LATE-1", "carrier": "FedEx", "status": "delivered",
                                           "tracking_details": [{"datetime": "2024-05-05T10:00:00Z", "status": "delivered", "message": "Delivered"}]}), source=src)
    tracking.apply(easypost.parse_tracker({"id": "trk_late", "tracking_code": "LATE-1", "carrier": "FedEx", "status": "delivered",
                                           "tracking_details": [{"datetime": "2024-05-03T10:00:00Z", "status": "in_transit", "message": "Departed"}]}), source=src)

    page = merchant_client.get(f"/orders/{order.id}/").content.decode()

    assert "Late carrier update, status kept: “Departed” on 3 May 2024 10:00" in page


def test_the_shipping_problems_filter(api, settle, merchant_client):
    troubled, _ = shipped(api, settle, "LOST-2")
    fine, _ = shipped(api, settle, "FINE-2")
    tracking.apply(lost("LOST-2"), source=source())

    everything = merchant_client.get("/orders/").content.decode()
    problems = merchant_client.get("/orders/?problem=shipping").content.decode()

    assert 'data-testid="shipping-problems"' in everything and str(fine.id) in everything
    assert str(troubled.id) in problems and str(fine.id) not in problems
    assert 'aria-current="true"><span class="dot" aria-hidden="true"></span>Shipping problems' in problems
