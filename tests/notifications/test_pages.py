"""The Postbacks and Outbox pages (Django's test client): merchants see their own, operators everything."""

import re

import pytest
from django.core import mail
from django.test import Client

from platen.notifications import emails
from platen.notifications.models import Delivery, Endpoint, OutboxMessage
from tests.notifications.conftest import PUBLIC_HOOKS, drive, fast_forward
from tests.orders.factories import order_payload

pytestmark = pytest.mark.django_db


def add_endpoint(client, url, events=("order_status_updated",)):
    return client.post("/postbacks/", {"url": url, "events": list(events)})


def test_navigation_has_postbacks_and_outbox(merchant_client):
    html = merchant_client.get("/postbacks/").content.decode()
    assert 'href="/postbacks/" class="is-active"' in html and 'href="/outbox/"' in html
    assert "No endpoints yet" in html


def test_add_endpoint_shows_the_secret_once(merchant_client, receiver):
    response = add_endpoint(merchant_client, receiver.url)
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/postbacks/{endpoint.id}/"
    html = merchant_client.get(response["Location"]).content.decode()
    secret = re.search(r"(whsec_[A-Za-z0-9+/=]+)", html).group(1)
    assert 'data-testid="secret"' in html
    assert "whsec_" not in merchant_client.get(response["Location"]).content.decode()  # once
    receiver.secret = secret
    merchant_client.post(f"/postbacks/{endpoint.id}/test/")
    assert receiver.received[0].verified  # the secret shown is the one that signs


def test_add_endpoint_errors_are_shown(merchant_client):
    html = add_endpoint(merchant_client, "ftp://nope", events=[]).content.decode()
    assert "Give an http:// or https:// URL" in html and "Subscribe to at least one event" in html
    assert not Endpoint.objects.exists()


def test_an_address_postbacks_could_never_reach_is_refused_when_added(merchant_client):
    # The metadata address, spelled in hex: refused by the same check each attempt would make.
    html = add_endpoint(merchant_client, "http://0xa9fea9fe/latest/meta-data").content.decode()
    assert "0xa9fea9fe points to 169.254.169.254, which is a link-local address" in html
    assert "Use a publicly reachable address." in html and not Endpoint.objects.exists()


def test_a_bare_email_address_makes_an_email_endpoint(merchant_client):
    add_endpoint(merchant_client, "orders@acme.test")
    endpoint = Endpoint.objects.get()
    assert endpoint.kind == "email" and endpoint.url == "mailto:orders@acme.test" and not endpoint.secret_encrypted


def test_deliveries_attempts_and_replay(merchant_client, api, receiver, subscribe):
    endpoint = subscribe(receiver)
    receiver.fail(1, status=503, body="maintenance")
    api.post("/v4/orders", order_payload(orderReferenceId="REF-PAGE"))
    drive()
    page = merchant_client.get(f"/postbacks/{endpoint['id']}/").content.decode()
    assert "order_status_updated" in page and "HTTP 503" in page and "maintenance" in page and "REF-PAGE" in page
    assert "waits for an earlier event of this order" in page
    assert "Replay" not in page  # pending ones are retried anyway
    fast_forward(minutes=1)
    done = Delivery.objects.filter(status="succeeded").order_by("event_id").first()
    page = merchant_client.get(f"/postbacks/{endpoint['id']}/").content.decode()
    assert f"/deliveries/{done.id}/replay/" in page
    response = merchant_client.post(f"/postbacks/{endpoint['id']}/deliveries/{done.id}/replay/", follow=True)
    assert "queued again" in response.content.decode()
    before = len(receiver.received)
    drive()
    assert len(receiver.received) == before + 1 and receiver.received[-1].webhook_id == str(done.event.uid)
    filtered = merchant_client.get(f"/postbacks/{endpoint['id']}/?status=dead").content.decode()
    assert "No dead deliveries" in filtered


def test_send_test_reports_the_answer(merchant_client, api, receiver, subscribe):
    endpoint = subscribe(receiver)
    html = merchant_client.post(f"/postbacks/{endpoint['id']}/test/", follow=True).content.decode()
    assert "The test event was delivered (HTTP 200" in html
    receiver.fail(1, status=500)
    html = merchant_client.post(f"/postbacks/{endpoint['id']}/test/", follow=True).content.decode()
    assert "The test event was not delivered: HTTP 500" in html


def test_delete_endpoint(merchant_client, api):
    endpoint = api.post("/v4/webhooks", {"url": f"{PUBLIC_HOOKS}/x", "events": ["order_status_updated"]}).json()
    response = merchant_client.post(f"/postbacks/{endpoint['id']}/delete/")
    assert response.status_code == 302 and not Endpoint.objects.exists()


def test_merchants_see_only_their_own_operators_all(merchant_client, operator_client, other_merchant, api, other_api):
    mine = api.post("/v4/webhooks", {"url": f"{PUBLIC_HOOKS}/mine", "events": ["order_status_updated"]}).json()
    theirs = other_api.post("/v4/webhooks", {"url": f"{PUBLIC_HOOKS}/theirs", "events": ["order_status_updated"]}).json()
    html = merchant_client.get("/postbacks/").content.decode()
    assert f"{PUBLIC_HOOKS}/mine" in html and f"{PUBLIC_HOOKS}/theirs" not in html
    for path in (f"/postbacks/{theirs['id']}/",):
        assert merchant_client.get(path).status_code == 404
    for action in ("test", "enable", "delete"):
        assert merchant_client.post(f"/postbacks/{theirs['id']}/{action}/").status_code == 404
    assert Endpoint.objects.filter(pk=theirs["id"]).exists()
    html = operator_client.get("/postbacks/").content.decode()
    assert f"{PUBLIC_HOOKS}/mine" in html and f"{PUBLIC_HOOKS}/theirs" in html and "Other Shop" in html
    assert 'data-testid="add-endpoint"' not in html
    assert operator_client.get(f"/postbacks/{mine['id']}/").status_code == 200


def test_pages_need_a_login(client):
    for path in ("/postbacks/", "/outbox/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def failed_order(api):
    payload = order_payload(orderReferenceId="REF-OUT")
    payload["shippingAddress"]["postCode"] = "1011"
    api.post("/v4/orders", payload)
    drive()


def test_outbox_lists_and_renders_messages(merchant_client, api, other_merchant):
    failed_order(api)
    message = OutboxMessage.objects.get()
    html = merchant_client.get("/outbox/").content.decode()
    assert "Order REF-OUT needs your action: failed" in html and "ops@acme.test" in html and 'data-status="sent"' in html
    detail = merchant_client.get(f"/outbox/{message.id}/").content.decode()
    assert 'data-testid="html-preview"' in detail and "sandbox" in detail and "srcdoc=\"&lt;!doctype html&gt;" in detail
    assert "The shipping address&#x27;s postal code" in detail and "shippingAddress.postCode" not in detail
    other = Client()
    other.force_login(other_merchant)
    assert other.get(f"/outbox/{message.id}/").status_code == 404
    assert "REF-OUT" not in other.get("/outbox/").content.decode()


def test_operators_see_every_accounts_outbox(operator_client, api):
    failed_order(api)
    html = operator_client.get("/outbox/").content.decode()
    assert "REF-OUT" in html and "Acme Prints" in html and 'data-testid="email-settings"' not in html


def test_email_settings(merchant_client, api, account):
    html = merchant_client.get("/outbox/").content.decode()
    assert 'data-testid="email-settings"' in html and 'placeholder="ops@acme.test"' in html
    response = merchant_client.post("/outbox/settings/", {
        "needs_action-enabled": "on", "needs_action-address": "alerts@acme.test",
        "shipped-address": "", "endpoint_disabled-enabled": "on", "endpoint_disabled-address": "",
    }, follow=True)
    assert "The e-mail settings were saved." in response.content.decode()
    assert emails.recipient(account.id, "needs_action") == "alerts@acme.test"
    assert emails.recipient(account.id, "shipped") is None
    assert emails.recipient(account.id, "endpoint_disabled") == "ops@acme.test"
    bad = merchant_client.post("/outbox/settings/", {"needs_action-enabled": "on", "needs_action-address": "nope"}, follow=True)
    assert "is not an e-mail address" in bad.content.decode()
    failed_order(api)
    assert mail.outbox[-1].to == ["alerts@acme.test"]
