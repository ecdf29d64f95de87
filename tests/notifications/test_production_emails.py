"""E-mails for the steps after an order is checked (seed 003's triggers: canceled, produced, shipped, in transit,
delivered, returned), through the real flow and a real SMTP server on loopback; each routed per account."""

import pytest
from django.db import transaction

from platen.kit.actors import Actor
from platen.notifications import emails
from platen.notifications.models import OutboxMessage
from platen.orders.models import Order, Package
from platen.orders.statuses import Fulfillment as F
from platen.orders.transitions import transition_items
from platen.production.services import progress
from tests.dashboard.conftest import merchant, merchant_client  # noqa: F401
from tests.emulators.smtp import SmtpServer, smtp_settings
from tests.notifications.conftest import drive
from tests.production.factories import as_partner, created_order, job_for

pytestmark = pytest.mark.django_db
CODE = "00340434161094042557"


@pytest.fixture
def smtp():
    with SmtpServer() as server, smtp_settings(server):
        yield server


def shipped_order(api, reference: str) -> Order:
    order = created_order(api, drive, orderReferenceId=reference)
    job = job_for(order)
    actor = as_partner(job.partner)
    progress.start(job.partner, order.pk, actor)
    progress.mark_printed(job.partner, order.pk, actor)
    progress.pack(job.partner, order.pk, ["poster-1", "shirt-1"], actor)
    progress.ship(job.partner, order.pk, actor, tracking_code=CODE)
    drive()
    return order


def carrier_moves(order: Order, target: F, reason: str = "") -> None:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        items = list(order.items.all())
        transition_items(order, items, target, Actor.system("DHL"), reason=reason, siblings=items)
    drive()


def subjects(server) -> list[str]:
    return [m.subject for m in server.messages]


def test_shipped_email_names_the_carrier_and_links_the_tracking(api, smtp):
    order = shipped_order(api, "REF-SHIPS")
    [shipped] = smtp.messages  # printed, in transit and delivered are off unless the account switches them on
    assert shipped.subject == "Order REF-SHIPS has shipped" and shipped.rcpt_tos == ["ops@acme.test"]
    text, html = shipped.part("text/plain"), shipped.part("text/html")
    url = Package.objects.get(order=order).tracking_url
    assert "Order REF-SHIPS is on its way to Ada Lovelace in Berlin with DHL." in text
    assert f"- DHL Paket, tracking {CODE}: {url}" in text
    order.refresh_from_db()
    assert f"It should arrive between {order.min_delivery_date.day}" in text and f"{order.max_delivery_date:%B %Y}." in text
    assert f'<a href="{url.replace("&", "&amp;")}"' in html and "DHL Paket" in html
    assert OutboxMessage.objects.get(kind="shipped").status == "sent"


def test_every_step_can_be_switched_on_and_routed_from_the_outbox_page(api, account, smtp, merchant_client):  # noqa: F811
    page = merchant_client.get("/outbox/").content.decode()
    for label in ("An order was received", "An order was printed", "An order is in transit with the carrier", "An order was delivered",
                  "An order is coming back to the sender, and why", "An order was canceled"):
        assert label in page
    form = {f"{kind}-enabled": "on" for kind in ("received", "needs_action", "canceled", "printed", "shipped", "in_transit",
                                                  "delivered", "returned", "endpoint_disabled")}
    form["delivered-address"] = "customer-care@acme.test"
    assert merchant_client.post("/outbox/settings/", form).status_code == 302
    order = shipped_order(api, "REF-STEPS")
    carrier_moves(order, F.IN_TRANSIT)
    carrier_moves(order, F.DELIVERED)
    assert subjects(smtp) == ["Order REF-STEPS was received", "Order REF-STEPS is printed", "Order REF-STEPS has shipped",
                              "Order REF-STEPS is on its way", "Order REF-STEPS was delivered"]
    received, printed, _, transit, delivered = smtp.messages
    assert "Platen received order REF-STEPS with 2 items for Ada Lovelace in Berlin; its checks are running." \
        in received.part("text/plain")
    assert "The print partner has printed order REF-STEPS; it is packed and shipped next." in printed.part("text/plain")
    assert "DHL is carrying order REF-STEPS to Ada Lovelace in Berlin." in transit.part("text/plain")
    assert CODE in transit.part("text/plain")
    assert delivered.rcpt_tos == ["customer-care@acme.test"]
    assert "DHL delivered order REF-STEPS to Ada Lovelace in Berlin." in delivered.part("text/plain")
    # Switched off again: the shipped e-mail stops too.
    emails.set_route(account, "shipped", "", False)
    shipped_order(api, "REF-QUIET")
    assert "Order REF-QUIET has shipped" not in subjects(smtp)


def test_returned_email_says_why(api, smtp):
    order = shipped_order(api, "REF-BACK")
    # The carrier's word, as tracking records it on the parcel.
    Package.objects.filter(order=order).update(exception_code="refused", exception_message="The recipient refused the parcel.")
    carrier_moves(order, F.RETURNED, "Returned to sender.")
    returned = smtp.messages[-1]
    assert returned.subject == "Order REF-BACK is being returned to the sender"
    text = returned.part("text/plain")
    assert "DHL is returning order REF-BACK to the sender instead of delivering it to Ada Lovelace in Berlin." in text
    assert "Why: The recipient refused the parcel." in text and "Check the shipping address with your customer" in text
    assert "Why:</strong> The recipient refused the parcel." in returned.part("text/html")

    quiet = shipped_order(api, "REF-BACK-2")
    carrier_moves(quiet, F.RETURNED, "The address could not be found.")
    assert "Why: The address could not be found." in smtp.messages[-1].part("text/plain")  # the history's reason


def test_canceled_email_with_the_reason(api, smtp):
    order = created_order(api, drive, orderReferenceId="REF-GONE")
    response = api.post(f"/v4/orders/{order.pk}:cancel", {"reason": "The customer changed their mind."})
    assert response.status_code == 200, response.content
    drive()
    [canceled] = smtp.messages
    assert canceled.subject == "Order REF-GONE was canceled"
    text = canceled.part("text/plain")
    assert "Order REF-GONE was canceled: its items will not be printed or shipped." in text
    assert "Reason: The customer changed their mind." in text


def test_an_email_endpoint_gets_each_step_with_the_tracking_link(api, smtp):
    """Seed 003: each trigger can go to a URL or to an e-mail address (a mailto: postback endpoint)."""
    response = api.post("/v4/webhooks", {"url": "mailto:warehouse@acme.test",
                                         "events": ["order_status_updated", "order_item_tracking_code_updated"]})
    assert response.status_code == 201, response.content
    order = shipped_order(api, "REF-MAILTO")
    to_endpoint = [m for m in smtp.messages if m.rcpt_tos == ["warehouse@acme.test"]]
    said = [m.subject for m in to_endpoint]
    for status in ("in production", "printed", "packaged", "shipped"):
        assert f"Order REF-MAILTO is now {status}" in said
    tracking = next(m for m in to_endpoint if m.subject == "Order REF-MAILTO: tracking code for item poster-1")
    url = Package.objects.get(order=order).tracking_url
    assert CODE in tracking.part("text/plain") and url in tracking.part("text/plain")
