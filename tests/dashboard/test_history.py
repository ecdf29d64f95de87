"""Order events as sentences on the timeline."""

from datetime import datetime, timezone

import pytest

from platen.dashboard import history
from platen.orders.fields import ItemName
from platen.orders.models import OrderEvent, OrderItem

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def event(type, params=None, reason="", actor_kind="system", actor_label="Platen", item=None):
    return OrderEvent(type=type, params=params or {}, reason=reason, actor_kind=actor_kind, actor_label=actor_label,
                      item=item, created_at=NOW)


def test_status_change():
    e = history.entry(event("order_status_changed", {"from": "received", "to": "failed"}, reason="Bad post code."))
    assert e.title == "Status changed from received to failed"
    assert e.reason == "Bad post code." and e.tone == "bad" and e.actor == "by Platen"


def test_item_move_is_minor_and_names_the_item():
    e = history.entry(event("item_status_changed", {"from": "in_production", "to": "printed"},
                            item=OrderItem(item_reference_id="poster-1")))
    assert e.title == "Item poster-1 moved from in production to printed" and e.minor


def test_address_change_lists_fields():
    e = history.entry(event("shipping_address_updated", {"changed": {"post_code": {"from": "10117", "to": "10969"},
                                                                     "address_line2": {"from": "", "to": "3. OG"}}},
                            actor_kind="user", actor_label="ada@acme.test"))
    assert e.title == "Shipping address changed"
    assert e.details == ["postal code: 10117 → 10969", "second address line: (empty) → 3. OG"]
    assert e.actor == "by ada@acme.test"


def test_validation_failed_lists_problems_once():
    problems = [{"field": "shippingAddress.postCode", "code": "x", "message": "Use 5 digits."},
                {"field": "items[0].files[1]", "code": "y", "message": "The file is too small."}]
    names = {0: ItemName("poster-1", ["default", "front"])}
    e = history.entry(event("validation_failed", {"problems": problems}, reason="Use 5 digits.", actor_label="validation"), names)
    assert e.title == "Checks found 2 problems"
    assert e.details == ["The shipping address's postal code: Use 5 digits.",
                         "Item 'poster-1', file 2 (front): The file is too small."]
    assert e.reason == "" and e.actor == "by validation"


def test_api_key_actor_and_creation():
    e = history.entry(event("order_created", {"channel": "api", "items": 2}, actor_kind="api_key", actor_label="shop key"))
    assert e.title == "Order received via api with 2 items" and e.actor == "via API key “shop key”"


def test_unknown_type_still_reads():
    e = history.entry(event("partner_assigned", {"partner": "Print Co"}))
    assert e.title == "Partner assigned" and e.details == ["Partner: Print Co"]


def test_timeline_is_newest_first():
    entries = history.timeline([event("order_created"), event("cancel_requested")])
    assert [e.title for e in entries] == ["Cancellation requested", "Order received via api"]


def test_item_moves_do_not_repeat_the_order_reason():
    item = OrderItem(item_reference_id="poster-1")
    entries = history.timeline([
        event("item_status_changed", {"from": "passed", "to": "canceled"}, reason="Customer asked", item=item),
        event("order_status_changed", {"from": "passed", "to": "canceled"}, reason="Customer asked"),
    ])
    assert [e.reason for e in entries] == ["Customer asked", ""]


@pytest.mark.parametrize(("type_", "params", "title"), [
    ("postback_sent", {"event": "order_status_updated", "endpoint": "https://shop.example/hook", "attempts": 1},
     "Postback order status updated sent to https://shop.example/hook"),
    ("postback_failed", {"event": "order_status_updated", "endpoint": "https://shop.example/hook", "attempts": 9},
     "Postback order status updated could not be delivered to https://shop.example/hook"),
    ("email_sent", {"to": "ops@acme.test"}, "E-mail sent to ops@acme.test"),
    ("job_failed", {"step": "fetching the print files"}, "A step failed on our side: fetching the print files"),
    ("approval_scheduled", {"afterHours": 12}, "Goes to production in 12 hours unless approved or canceled earlier"),
    ("approved", {}, "Approved"),
])
def test_pipeline_and_notification_entries_read_as_sentences(type_, params, title):
    assert history.entry(event(type_, params)).title == title
