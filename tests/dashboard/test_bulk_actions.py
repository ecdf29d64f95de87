"""Bulk actions on the orders list: one POST, each order on its own, an answer per order that could not."""

import pytest
from django.test import Client

from platen.accounts import services as accounts
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from tests.dashboard.conftest import ADDRESS, move_to_printed

pytestmark = pytest.mark.django_db


def bulk(client, action, orders, follow=True, **extra):
    data = {"action": action, "ids": [str(o.id) if isinstance(o, Order) else o for o in orders], **extra}
    if action in ("cancel", "reject"):
        data.setdefault("confirmed", "1")
    return client.post("/orders/bulk/", data, follow=follow)


def outcome(response) -> str:
    html = response.content.decode()
    assert 'data-testid="bulk-outcome"' in html, html[:2000]
    start = html.index('data-testid="bulk-outcome"')
    return html[start:html.index("</div>", start)]


def statuses(*orders) -> list[str]:
    return [Order.objects.get(pk=o.pk).fulfillment_status for o in orders]


def test_bulk_cancel_says_how_many_and_why_not(merchant_client, make_order):
    first, second, printed = make_order("A-1"), make_order("A-2"), make_order("A-3")
    move_to_printed(printed)
    answer = outcome(bulk(merchant_client, "cancel", [first, second, printed], reason="Shop closed"))
    assert "2 orders were canceled. 1 order could not be canceled:" in answer
    assert f"#{str(printed.id)[:8]} (A-3) was already printed, so it can no longer be canceled." in answer
    assert statuses(first, second, printed) == [Fulfillment.CANCELED, Fulfillment.CANCELED, Fulfillment.PRINTED]
    assert Order.objects.get(pk=first.pk).events.filter(type="cancel_requested", reason="Shop closed").exists()


def test_canceling_a_canceled_order_is_not_counted_as_done(merchant_client, make_order):
    order = make_order("A-1")
    bulk(merchant_client, "cancel", [order])
    answer = outcome(bulk(merchant_client, "cancel", [order]))
    assert "No order was canceled. 1 order could not be canceled:" in answer
    assert f"#{str(order.id)[:8]} (A-1) was already canceled." in answer


def test_bulk_approve_and_reject(merchant_client, account, make_order):
    accounts.set_approval(account, "manual", None)
    waiting, also_waiting, rejected = make_order("W-1"), make_order("W-2"), make_order("W-3")
    accounts.set_approval(account, "automatic", None)
    running = make_order("RUN-1")
    assert statuses(waiting, also_waiting, rejected, running) == [Fulfillment.PENDING_APPROVAL] * 3 + [Fulfillment.CREATED]

    answer = outcome(bulk(merchant_client, "approve", [waiting, also_waiting, running]))
    assert "2 orders were approved and go to production. 1 order could not be approved:" in answer
    assert f"#{str(running.id)[:8]} (RUN-1) is created, not waiting for approval, so it cannot be approved." in answer

    answer = outcome(bulk(merchant_client, "reject", [rejected, waiting], reason="Duplicate"))
    assert "1 order was rejected and canceled." in answer
    assert "(W-1) is created, not waiting for approval, so it cannot be rejected." in answer
    assert statuses(waiting, also_waiting, rejected) == [Fulfillment.CREATED, Fulfillment.CREATED, Fulfillment.CANCELED]


def test_bulk_reprocess(merchant_client, make_order):
    failed, good = make_order("BAD-1", shippingAddress={**ADDRESS, "postCode": "ABC"}), make_order("GOOD-1")
    answer = outcome(bulk(merchant_client, "reprocess", [failed, good]))
    assert "1 order is being checked again" in answer
    assert f"#{str(good.id)[:8]} (GOOD-1) is created; only failed orders can be reprocessed." in answer
    assert Order.objects.get(pk=failed.pk).events.filter(type="reprocess_requested").exists()


def test_another_accounts_orders_are_not_touched_nor_revealed(merchant_client, make_order, other_api):
    mine, theirs = make_order("MINE"), make_order("THEIRS", client=other_api)
    answer = outcome(bulk(merchant_client, "cancel", [mine, theirs, "not-an-id"]))
    assert "1 order was canceled. 2 orders could not be canceled:" in answer
    assert f"#{str(theirs.id)[:8]} is not an order of this account." in answer and "THEIRS" not in answer
    assert "#not-an-i is not an order of this account." in answer
    assert statuses(mine, theirs) == [Fulfillment.CANCELED, Fulfillment.CREATED]


def test_operator_acts_on_every_account(operator_client, make_order, other_api):
    mine, theirs = make_order("MINE"), make_order("THEIRS", client=other_api)
    assert "2 orders were canceled." in outcome(bulk(operator_client, "cancel", [mine, theirs]))


def test_destructive_actions_are_confirmed_first_without_javascript(merchant_client, make_order):
    first, second = make_order("A-1"), make_order("A-2")
    page = merchant_client.post("/orders/bulk/", {"action": "cancel", "ids": [first.id, second.id], "back": "?q=A-"})
    html = page.content.decode()
    assert page.status_code == 200 and "Cancel 2 orders?" in html and "This cannot be undone." in html
    assert f'name="ids" value="{first.id}"' in html and 'name="confirmed" value="1"' in html
    assert 'href="/orders/?q=A-">Go back' in html
    assert statuses(first, second) == [Fulfillment.CREATED] * 2
    # Approve and reprocess need no confirmation.
    assert "confirmed" not in merchant_client.post("/orders/bulk/", {"action": "reprocess", "ids": [first.id]}).get("Location", "")


def test_back_to_the_same_filtered_list(merchant_client, make_order):
    order = make_order("A-1")
    response = bulk(merchant_client, "cancel", [order], follow=False, back="?status=created&q=A-&page=2&evil=x")
    assert response.status_code == 302 and response["Location"] == "/orders/?status=created&q=A-&page=2"


def test_the_answer_is_shown_once(merchant_client, make_order):
    order = make_order("A-1")
    assert "1 order was canceled." in outcome(bulk(merchant_client, "cancel", [order]))
    assert 'data-testid="bulk-outcome"' not in merchant_client.get("/orders/").content.decode()


@pytest.mark.parametrize(("action", "ids", "message"), [
    ("cancel", [], "Select at least one order first."),
    ("delete", ["x"], "Choose what to do with the selected orders."),
    ("approve", [f"00000000-0000-0000-0000-{n:012d}" for n in range(101)], "Select at most 100 orders at a time."),
])
def test_bad_requests_change_nothing_and_say_why(merchant_client, make_order, action, ids, message):
    order = make_order("A-1")
    answer = outcome(merchant_client.post("/orders/bulk/", {"action": action, "ids": ids, "confirmed": "1"}, follow=True))
    assert message in answer
    assert statuses(order) == [Fulfillment.CREATED]


def test_bulk_needs_csrf_post_and_login(merchant, make_order, client):
    order = make_order("A-1")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(merchant)
    assert strict.post("/orders/bulk/", {"action": "cancel", "ids": [order.id], "confirmed": "1"}).status_code == 403
    assert strict.get("/orders/bulk/").status_code == 405
    response = client.post("/orders/bulk/", {"action": "cancel", "ids": [order.id], "confirmed": "1"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert statuses(order) == [Fulfillment.CREATED]


def test_list_offers_the_bulk_actions(merchant_client, make_order):
    order = make_order("A-1")
    html = merchant_client.get("/orders/").content.decode()
    assert '<form id="list-actions" method="post" action="/orders/bulk/">' in html and "csrfmiddlewaretoken" in html
    assert f'name="ids" value="{order.id}" form="list-actions"' in html and 'id="select-all"' in html
    for label in ("Approve", "Reprocess", "Reject…", "Cancel…"):
        assert f">{label}</button>" in html
    assert 'data-confirm="Cancel {orders}?"' in html and '<dialog id="confirm-dialog"' in html
