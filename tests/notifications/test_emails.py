"""E-mails: a failed order's reasons to the merchant (file backend and a real SMTP server on loopback),
shipped with tracking, routes per account, e-mail endpoints, and the history notes."""

import copy

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from platen.kit.actors import Actor
from platen.notifications import emails
from platen.notifications.models import Delivery, OutboxMessage
from platen.orders import events
from platen.orders.models import Order, OrderEvent
from platen.orders.statuses import Fulfillment as F
from tests.emulators.smtp import SmtpServer, smtp_settings
from tests.notifications.conftest import drive, move_on
from tests.orders.factories import BERLIN, advance, order_payload

pytestmark = pytest.mark.django_db


def failed_order(api) -> str:
    """An order that fails its checks (a German post code with four digits); the checks run in the jobs."""
    response = api.post("/v4/orders", order_payload(orderReferenceId="REF-FAIL", shippingAddress={**copy.deepcopy(BERLIN), "postCode": "1011"}))
    assert response.status_code == 200, response.content
    return response.json()["id"]


def test_failed_order_emails_its_reasons_through_the_file_backend(api, tmp_path):
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=tmp_path / "outbox"):
        order_id = failed_order(api)
        drive()
        assert Order.objects.get(pk=order_id).fulfillment_status == "failed"
    files = list((tmp_path / "outbox").glob("*.log"))
    assert len(files) == 1
    written = files[0].read_text()
    assert "To: ops@acme.test" in written and "Subject: Order REF-FAIL needs your action: failed" in written
    assert "The shipping address's postal code:" in written and "Reprocess" in written
    assert "shippingAddress" not in written
    message = OutboxMessage.objects.get()
    assert message.status == "sent" and message.kind == "needs_action" and str(message.order_id) == order_id
    assert "Germany" in message.body_text and f"/orders/{order_id}/" in message.body_text
    assert "<li>" in message.body_html and "Germany" in message.body_html
    note = OrderEvent.objects.get(order_id=order_id, type="email_sent")
    assert note.actor_label == "e-mail" and note.params["to"] == "ops@acme.test"


def test_failed_order_email_through_smtp(api):
    with SmtpServer() as server, smtp_settings(server):
        failed_order(api)
        drive()
        delivered = server.wait_for(1)[0]
    assert delivered.rcpt_tos == ["ops@acme.test"] and delivered.subject == "Order REF-FAIL needs your action: failed"
    assert "The shipping address's postal code:" in delivered.part("text/plain")
    assert "Open order REF-FAIL" in delivered.part("text/html")
    assert OutboxMessage.objects.get().status == "sent"


def test_smtp_failure_is_retried_then_sent(api):
    with SmtpServer() as server, smtp_settings(server):
        server.refuse(1)
        failed_order(api)
        drive()
        message = OutboxMessage.objects.get()
        assert message.status == "queued" and message.attempts == 1 and "451" in message.error
        emails.send(message.pk)  # the job's retry, run now instead of in a minute
        assert len(server.wait_for(1)) == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.error == ""


def test_shipped_email_has_the_tracking_link(api):
    order_id = api.post("/v4/orders", order_payload(orderReferenceId="REF-SHIP")).json()["id"]
    move_on(order_id, F.PRINTED)
    with transaction.atomic():
        events.record(Order.objects.get(pk=order_id), "tracking_code_updated", Actor.system("production"),
                      params={"trackingCode": "1Z999AA1", "trackingUrl": "https://track.example/1Z999AA1"})
    advance(order_id, F.SHIPPED)
    drive()
    sent = mail.outbox[-1]
    assert sent.subject == "Order REF-SHIP has shipped"
    assert "1Z999AA1: https://track.example/1Z999AA1" in sent.body
    assert 'href="https://track.example/1Z999AA1"' in sent.alternatives[0][0]


def test_routes_send_elsewhere_or_nowhere(api, account):
    emails.set_route(account, "needs_action", "alerts@acme.test", True)
    failed_order(api)
    drive()
    assert mail.outbox[-1].to == ["alerts@acme.test"]
    emails.set_route(account, "needs_action", "", False)
    failed_order(api)
    drive()
    assert len(mail.outbox) == 1 and OutboxMessage.objects.count() == 1


def test_email_endpoint_receives_events(api):
    api.post("/v4/webhooks", {"url": "mailto:orders@acme.test", "events": ["order_status_updated"]})
    order_id = api.post("/v4/orders", order_payload(orderReferenceId="REF-MAIL")).json()["id"]
    drive()
    postbacks = [m for m in mail.outbox if m.to == ["orders@acme.test"]]
    count = Delivery.objects.count()
    assert count >= 2 and [m.subject for m in postbacks][:2] == ["Order REF-MAIL is now received", "Order REF-MAIL is now uploading"]
    # A readable e-mail: a sentence, the order's status now and a link to it; no JSON.
    assert "Order REF-MAIL is now received." in postbacks[0].body and f"/orders/{order_id}/" in postbacks[0].body
    assert "Status of order REF-MAIL now:" in postbacks[0].body and "{" not in postbacks[0].body
    assert 'href="http' in postbacks[0].alternatives[0][0] and "{" not in postbacks[0].alternatives[0][0]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}
    assert OutboxMessage.objects.filter(kind="postback", status="sent").count() == count
    assert OrderEvent.objects.filter(order_id=order_id, type="postback_sent").count() == count


def test_email_endpoint_retries_when_smtp_is_down(api):
    with SmtpServer() as server, smtp_settings(server):
        api.post("/v4/webhooks", {"url": "mailto:orders@acme.test", "events": ["order_status_updated"]})
        server.refuse(1)
        api.post("/v4/orders", order_payload())
        drive()
        first = Delivery.objects.order_by("event_id").first()
        assert first.status == "pending" and "451" in first.last_error
        assert OutboxMessage.objects.get(kind="postback", status="failed")


def test_postback_emails_read_as_sentences(api):
    order_id = api.post("/v4/orders", order_payload(orderReferenceId="REF-WORDS")).json()["id"]
    order = Order.objects.get(pk=order_id)
    tracking = emails.postback_context("order_item_tracking_code_updated", {
        "id": "e1", "orderReferenceId": "REF-WORDS", "itemReferenceId": "poster-1", "trackingCode": "1Z999AA1",
        "trackingUrl": "https://track.example/1Z999AA1", "shipmentMethodName": "UPS Express Saver"}, order)
    subject, text, html = emails.render("postback", tracking)
    assert subject == "Order REF-WORDS: tracking code for item poster-1"
    assert "Item poster-1 of order REF-WORDS ships with UPS Express Saver; its tracking code is 1Z999AA1." in text
    assert "Follow the parcel: https://track.example/1Z999AA1" in text and f"/orders/{order_id}/" in text
    assert 'href="https://track.example/1Z999AA1"' in html and "{" not in text
    moved = emails.postback_context("order_item_status_updated", {
        "orderReferenceId": "REF-WORDS", "itemReferenceId": "poster-1", "status": "in_production", "comment": ""}, order)
    assert moved["sentence"] == "Item poster-1 of order REF-WORDS is now in production."
    subject, text, _ = emails.render("postback", emails.postback_context("webhook_test", {"id": "t1"}))
    assert subject == "Platen test postback" and "Open the order" not in text
