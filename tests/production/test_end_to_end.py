"""An order's whole journey through the real HTTP interfaces of a live server on loopback, on the demo network a
fresh database starts with: the merchant creates it with the API, routing assigns a facility, the facility's
partner pulls the job with its own key, reports `received` and `printed`, packs it on its dashboard page (a
mismatch refused first), reports `shipped` with a tracking code, and the carrier's webhooks (EasyPost) move it
to `in_transit` and `delivered` (a late scan never moves it back). The merchant's postbacks, e-mails and the
order's history are checked at each step."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import httpx
import pytest

from platen.accounts import services as accounts
from platen.notifications.models import OutboxMessage
from platen.orders import events
from platen.orders.models import Order, OrderEvent
from platen.production.carriers.easypost import EasyPost
from platen.production.services import keys as partner_keys
from platen.production.services import tracking
from tests.emulators.receiver import Receiver
from tests.orders.factories import order_payload

pytestmark = pytest.mark.django_db(transaction=True)  # the live server commits; so do the jobs

PASSWORD = "a-long-password-for-tests"
TRACKING_CODE = "EZ4000000004"
ALL_EVENTS = ["order_status_updated", "order_item_status_updated", "order_item_tracking_code_updated",
              "order_delivery_estimate_updated"]


@pytest.fixture
def web(live_server):
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        yield client


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def call(web, key, method, path, body=None):
    return web.request(method, path, headers={"X-API-KEY": key}, json=body)


def statuses(receiver, start: int) -> list[str]:
    return [p["fulfillmentStatus"] for p in receiver.payloads[start:] if p["event"] == "order_status_updated"]


def status_history(order_id) -> list[tuple[str, str]]:
    """(to, actor kind) of each order status change, oldest first."""
    rows = OrderEvent.objects.filter(order_id=order_id, type=events.ORDER_STATUS_CHANGED).order_by("id")
    return [(e.params["to"], e.actor_kind) for e in rows]


def easypost_update(event_id: str, status: str, scans: list[tuple[str, str, str]]) -> bytes:
    return json.dumps({
        "object": "Event", "id": event_id, "description": "tracker.updated", "status": "pending",
        "result": {"object": "Tracker", "id": "trk_e2e", "tracking_code": TRACKING_CODE, "carrier": "UPS",
                   "status": status, "status_detail": "", "updated_at": scans[-1][0],
                   "tracking_details": [{"object": "TrackingDetail", "datetime": when, "status": s, "status_detail": "",
                                         "message": message, "tracking_location": {"city": "BERLIN", "state": None,
                                                                                    "country": "DE", "zip": None}}
                                        for when, s, message in scans]},
    }).encode()


def partner_session(web, partner) -> None:
    """Log the partner's packer in through the login form (the session cookie stays on `web`)."""
    login = accounts.create_user(None, "packer@partner.example", PASSWORD, partner=partner)
    page = web.get("/login/")
    web.post("/login/", data={"username": login.username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
             headers={"Referer": str(page.url)})
    assert web.get("/production/").status_code == 200


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_an_order_travels_from_the_api_to_delivered(web, account, settle, receiver):
    merchant = accounts.issue_api_key(account, name="shop").secret
    hook = call(web, merchant, "POST", "/v4/webhooks", {"url": receiver.url, "events": ALL_EVENTS})
    assert hook.status_code == 201, hook.text
    receiver.secret = hook.json()["secret"]

    # The merchant creates the order; the checks pass and routing picks a facility of the demo network.
    created = call(web, merchant, "POST", "/v4/orders", order_payload(orderReferenceId="E2E-1"))
    assert created.status_code == 200, created.text
    order_id = created.json()["id"]
    settle()
    order = call(web, merchant, "GET", f"/v4/orders/{order_id}").json()
    assert order["fulfillmentStatus"] == "created" and order["connectedOrderIds"] == []
    assert order["shipment"]["minDeliveryDate"] and order["shipment"]["fulfillmentCountry"]
    routed = OrderEvent.objects.get(order_id=order_id, type=events.ROUTED)
    job = Order.objects.get(pk=order_id).production_job
    assert routed.params["facility"] == job.facility.code and routed.reason
    assert receiver.events("order_delivery_estimate_updated")  # the estimate from the routed production day

    # The partner pulls its job with its own key; the print files are Platen's signed links, not the merchant's.
    partner = partner_keys.issue_key(job.partner, name="press").secret
    assert call(web, merchant, "GET", "/v4/partner/jobs").status_code == 401  # a merchant key is not a partner's
    pulled = call(web, partner, "GET", "/v4/partner/jobs").json()
    mine = next(j for j in pulled["jobs"] if j["orderId"] == order_id)
    urls = [f["url"] for item in mine["items"] for f in item["files"]]
    assert urls and all("/stored/" in u for u in urls)
    link = urlsplit(urls[0])  # absolute on Platen's own base URL; fetched here from the live server
    assert web.get(f"{link.path}?{link.query}").status_code == 200

    def report(status: str, **more):
        return call(web, partner, "POST", "/v2/order/status",
                    {"timestamp": "2026-11-30T09:00:00Z", "orderId": order_id, "status": status, "message": "", **more})

    seen = len(receiver.payloads)
    assert report("received").status_code == 200
    assert report("printed").status_code == 200
    assert report("printed").status_code == 200  # a retry: same answer, nothing new
    settle()
    assert statuses(receiver, seen) == ["in_production", "printed"]
    assert call(web, merchant, "POST", f"/v4/orders/{order_id}:cancel").status_code == 409  # printed: too late

    # Packing on the partner's page: each item is verified against the order; a stranger is refused.
    partner_session(web, job.partner)
    page = web.get(f"/production/{order_id}/")
    item_codes = [str(i.pk) for i in Order.objects.get(pk=order_id).items.all()]
    refused = web.post(f"/production/{order_id}/pack/", data={
        "scanned": f"{item_codes[0]}\nnot-an-item", "csrfmiddlewaretoken": _csrf(page.text)})
    assert refused.status_code in (200, 400) and "nothing was packed" in refused.text
    assert Order.objects.get(pk=order_id).fulfillment_status == "printed"
    packed = web.post(f"/production/{order_id}/pack/", data={
        "scanned": "\n".join(item_codes), "csrfmiddlewaretoken": _csrf(page.text)}, follow_redirects=True)
    assert packed.status_code == 200
    assert Order.objects.get(pk=order_id).fulfillment_status == "packaged"
    settle()
    assert statuses(receiver, 0)[-1] == "packaged"

    seen = len(receiver.payloads)
    assert report("shipped", trackingCode=TRACKING_CODE).status_code == 200
    settle()
    assert statuses(receiver, seen) == ["shipped"]
    [code_update, *_] = receiver.events("order_item_tracking_code_updated")
    assert code_update["trackingCode"] == TRACKING_CODE and code_update["trackingUrl"]
    shipped = call(web, merchant, "GET", f"/v4/orders/{order_id}").json()
    assert [p["trackingCode"] for p in shipped["shipment"]["packages"]] == [TRACKING_CODE]
    assert OutboxMessage.objects.filter(order_id=order_id, kind="shipped").exists()

    # The carrier reports through EasyPost: in transit, delivered, then a scan that arrives late.
    source, secret = tracking.create_source("easypost", "EasyPost main")
    provider = EasyPost()

    def carrier_says(event_id, status, scans):
        body = easypost_update(event_id, status, scans)
        forged = web.post(f"/hooks/tracking/{source.pk}", content=body,
                          headers={provider.signature_header: provider.sign(body, "not-the-secret")})
        assert forged.status_code == 401
        answer = web.post(f"/hooks/tracking/{source.pk}", content=body,
                          headers={provider.signature_header: provider.sign(body, secret), "Content-Type": "application/json"})
        assert answer.status_code == 200, answer.text
        settle()

    seen = len(receiver.payloads)
    carrier_says("evt_1", "in_transit", [("2026-11-30T12:00:00Z", "in_transit", "Departed facility")])
    carrier_says("evt_2", "delivered", [("2026-11-30T12:00:00Z", "in_transit", "Departed facility"),
                                        ("2026-12-01T10:00:00Z", "delivered", "Delivered, front door")])
    carrier_says("evt_3", "in_transit", [("2026-11-30T18:00:00Z", "in_transit", "Arrived at hub")])  # late
    assert statuses(receiver, seen) == ["in_transit", "delivered"]
    assert call(web, merchant, "GET", f"/v4/orders/{order_id}").json()["fulfillmentStatus"] == "delivered"

    # Every decision is in the history, with who made it.
    assert status_history(order_id) == [
        ("uploading", "system"), ("passed", "system"), ("created", "system"),
        ("in_production", "partner"), ("printed", "partner"), ("packaged", "partner"), ("shipped", "partner"),
        ("in_transit", "carrier"), ("delivered", "carrier"),
    ]
    kinds = set(OrderEvent.objects.filter(order_id=order_id).values_list("type", flat=True))
    assert {events.ROUTED, events.PARTNER_REPORT, events.ITEMS_PACKED, events.TRACKING_CODE_UPDATED,
            events.TRACKING_EVENT} <= kinds
    assert all(r.verified for r in receiver.received)  # every postback signed with the endpoint's secret
