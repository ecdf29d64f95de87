"""Shopify's mandatory privacy webhooks, handled for real: sent signed by the emulator through the live endpoint."""

from __future__ import annotations

import pytest

from platen.intake.models import IntakeRequest
from platen.jobs import run_pending
from platen.notifications.models import OutboxMessage
from platen.orders.models import Order
from platen.stores.models import Store, StoreOrder, StoreWebhook
from platen.stores.services import privacy
from platen.stores.statuses import StoreStatus

pytestmark = pytest.mark.django_db(transaction=True)  # the live server commits; so do the jobs


@pytest.fixture
def store(mapped_store):
    return mapped_store


@pytest.fixture
def send(shop, store, live_server):
    def deliver(topic: str, body: dict) -> StoreWebhook:
        assert shop.send_webhook(topic, body, f"{live_server.url}/hooks/shopify/{store.pk}").status == 200
        run_pending()
        return StoreWebhook.objects.order_by("received_at", "id").last()

    return deliver


def ordered(shop, send, email: str, name: str = "Ada", properties: dict | None = None):
    product = next(iter(shop.products.values()), None) or shop.add_product("Poster", [{"sku": "PA3-MATTE"}])
    order = shop.add_order([{"variant": product.variants[0], "properties": properties or {"Dedication": f"For {name}"}}],
                           email=email, shipping_address={"first_name": name, "last_name": "Lovelace", "phone": "+1 212 736 3100"})
    send("orders/create", shop.rest_order(order.id))
    return order


def test_a_data_request_e_mails_the_merchant_what_platen_holds_for_that_customer(shop, store, send):
    first = ordered(shop, send, "ada@example.com")
    ordered(shop, send, "grace@example.com", name="Grace")
    hook = send("customers/data_request", shop.privacy_payload("customers/data_request", [first.id], email="ada@example.com"))
    assert "ada@example.com" in hook.outcome and first.name in hook.outcome and "e-mailed to ops@acme.test" in hook.outcome
    mail = OutboxMessage.objects.get(subject__startswith="Data request")
    assert mail.to == "ops@acme.test" and first.name in mail.body_text and "Grace" not in mail.body_text
    assert str(Order.objects.get(external_id=str(first.id)).pk) in mail.body_text
    assert IntakeRequest.objects.get(pk=hook.intake_request_id).status == "accepted"


def test_customers_redact_erases_that_customer_s_personal_data_and_keeps_the_rest(shop, store, send):
    ada = ordered(shop, send, "ada@example.com")
    grace = ordered(shop, send, "grace@example.com", name="Grace")
    hook = send("customers/redact", shop.privacy_payload("customers/redact", [ada.id], email="ada@example.com"))
    assert "erased" in hook.outcome
    erased = Order.objects.get(external_id=str(ada.id))
    address = erased.shipping_address
    assert (address.first_name, address.last_name, address.address_line1, address.email, address.phone) == \
        ("Redacted", "Redacted", "Redacted", "", "")
    assert address.country == "US" and address.city  # what accounting needs stays
    assert erased.customer_reference_id == "Redacted" and erased.items.get().metadata == [{"key": "Dedication", "value": "Redacted"}]
    assert erased.items.get().quantity == 1 and erased.order_reference_id == ada.name
    snapshot = StoreOrder.objects.get(external_id=str(ada.id)).snapshot
    assert snapshot["email"] == "" and snapshot["shipping_address"]["first_name"] == "Redacted"
    assert all("ada@example.com" not in r.raw_body for r in IntakeRequest.objects.all())
    assert erased.events.filter(type=privacy.ERASED).exists()
    kept = Order.objects.get(external_id=str(grace.id))
    assert kept.shipping_address.first_name == "Grace" and kept.customer_reference_id == "grace@example.com"


def test_shop_redact_erases_every_customer_of_the_store_and_disconnects_it(shop, store, send):
    ordered(shop, send, "ada@example.com")
    ordered(shop, send, "grace@example.com", name="Grace")
    hook = send("shop/redact", shop.privacy_payload("shop/redact"))
    assert "disconnected" in hook.outcome
    assert set(Order.objects.values_list("shipping_address__first_name", flat=True)) == {"Redacted"}
    assert all(r.raw_body == privacy.ERASED_BODY for r in IntakeRequest.objects.filter(store_id=store.pk)
               if r.pk != hook.intake_request_id)
    assert Store.objects.get().status == StoreStatus.DISCONNECTED


def test_privacy_webhooks_with_a_bad_signature_are_refused(shop, store, live_server):
    delivery = shop.send_webhook("customers/redact", shop.privacy_payload("customers/redact", [1]),
                                 f"{live_server.url}/hooks/shopify/{store.pk}", hmac_header="Zm9yZ2Vk")
    assert delivery.status == 401 and not StoreWebhook.objects.exists()
