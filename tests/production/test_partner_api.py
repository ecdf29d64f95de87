"""The partner API over real HTTP: a print partner pulls its jobs with its own key (GET /v4/partner/jobs) and
downloads the stored print files through Platen's signed links; merchants' changes (cancel, new address) show
in the partner's queue at once; partner and merchant keys never stand in for each other."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from platen.accounts import throttling
from platen.orders.models import ItemFile
from platen.production.models import PartnerKey, ProductionJob
from platen.production.services import keys
from platen.production.shipping import local_now
from tests.orders.factories import BERLIN, POSTER, advance
from tests.production import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(api, settle, files, facility):
    """An order that reached `created`, its job at the partner's facility."""
    made = factories.created_order(api, settle)
    factories.move_job(made, facility)
    return made


def test_a_partner_pulls_its_job_with_product_specs_address_method_and_signed_file_links(api, settle, files, facility, papi):
    order = factories.created_order(api, settle)
    factories.move_job(order, facility, carrier_service=factories.carrier_service(order.shipment_method_uid))

    listed = papi.get("/v4/partner/jobs")
    assert listed.status_code == 200, listed.content
    [job] = listed.json()["jobs"]
    assert job["orderId"] == str(order.id) and job["orderReferenceId"] == order.order_reference_id
    assert (job["status"], job["canceled"], job["addressChanged"]) == ("created", False, False)
    assert job["dueDate"] == local_now(facility).date().isoformat()
    assert job["facility"]["code"] == facility.code and job["facility"]["country"] == "DE"
    assert job["shipmentMethod"]["uid"] == order.shipment_method_uid
    assert job["shipmentMethod"]["carrierService"] == {"carrier": "testpost", "carrierName": "Testpost", "service": "Paket"}
    assert job["shippingAddress"]["addressLine1"] == BERLIN["addressLine1"] and job["shippingAddress"]["country"] == "DE"
    poster = next(i for i in job["items"] if i["itemReferenceId"] == "poster-1")
    assert poster["productUid"] == POSTER and poster["quantity"] == 2 and poster["status"] == "created"
    assert poster["product"]["kind"] == "poster" and poster["product"]["name"]
    assert poster["product"]["size"] == f"{poster['product']['widthMm']} × {poster['product']['heightMm']} mm"
    assert papi.get(f"/v4/partner/jobs/{order.id}").json() == job

    # The print files are Platen's signed links to the stored copies: never the merchant's URL, and they
    # download exactly what was fetched and checked.
    for item in job["items"]:
        [link] = item["files"]
        assert files.url("") not in link["url"] and "/stored/" in link["url"] and "signature=" in link["url"]
        url = urlsplit(link["url"])
        downloaded = Client().get(f"{url.path}?{url.query}")
        assert downloaded.status_code == 200
        body = b"".join(downloaded.streaming_content) if downloaded.streaming else downloaded.content
        stored = ItemFile.objects.get(item_id=item["orderItemId"])
        assert hashlib.sha256(body).hexdigest() == stored.content_sha256
        tampered = Client().get(f"{url.path}?{url.query.replace('signature=', 'signature=x')}")
        assert tampered.status_code == 404


def test_filters_by_status_and_change_time_and_pages(api, settle, files, facility, papi):
    orders = [factories.created_order(api, settle) for _ in range(3)]
    for o in orders:
        factories.move_job(o, facility)
    advance(str(orders[0].id), "in_production")
    api.post(f"/v4/orders/{orders[1].id}:cancel")

    def ids(query: str) -> list[str]:
        response = papi.get(f"/v4/partner/jobs{query}")
        assert response.status_code == 200, response.content
        return [j["orderId"] for j in response.json()["jobs"]]

    everything = ids("")
    assert sorted(everything) == sorted(str(o.id) for o in orders)
    assert ids("?status=in_production") == [str(orders[0].id)]
    assert sorted(ids("?status=in_production&status=canceled")) == sorted([str(orders[0].id), str(orders[1].id)])
    assert sorted(ids("?status=created,canceled")) == sorted([str(orders[1].id), str(orders[2].id)])
    assert ids("?limit=2") == everything[:2] and ids("?limit=2&offset=2") == everything[2:]

    # `since`: what changed at or after a moment; one job changing later is the only one listed.
    later = timezone.now() + timedelta(seconds=1)
    ProductionJob.objects.filter(order_id=str(orders[2].id)).update(updated_at=later + timedelta(seconds=1))
    assert ids(f"?since={later.isoformat().replace('+00:00', 'Z')}") == [str(orders[2].id)]

    bad = papi.get("/v4/partner/jobs?status=lost")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_status"
    assert bad.json()["details"] == [{"field": "status", "message": "lost is not an order status."}]
    assert papi.get("/v4/partner/jobs?since=yesterday").status_code == 400


def test_another_partners_job_is_not_found(api, order, papi, partner_api):
    other = partner_api(factories.partner("Print Lyon"))
    assert other.get("/v4/partner/jobs").json() == {"jobs": []}
    missing = other.get(f"/v4/partner/jobs/{order.id}")
    assert missing.status_code == 404 and missing.json()["code"] == "order_not_found"
    assert papi.get(f"/v4/partner/jobs/{order.id}").status_code == 200


def test_partner_and_merchant_keys_never_stand_in_for_each_other(api, order, papi, anonymous_api):
    # A partner key is not a merchant's...
    for path in ("/v4/orders/" + str(order.id), "/v4/products"):
        refused = papi.get(path)
        assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
    assert papi.post("/v4/orders", {}).status_code == 401
    # ...and a merchant key is not a partner's, even for the merchant's own order.
    for call in (lambda c: c.get("/v4/partner/jobs"), lambda c: c.get(f"/v4/partner/jobs/{order.id}"),
                 lambda c: c.post("/v2/order/status", {"timestamp": "2026-01-01T00:00:00Z", "orderId": str(order.id),
                                                       "status": "received"})):
        assert call(api).status_code == 401
        assert call(anonymous_api).status_code == 401
    assert api.get(f"/v4/orders/{order.id}").json()["fulfillmentStatus"] == "created"


def test_partner_keys_are_stored_hashed_revocable_and_note_their_last_use(partner):
    issued = keys.issue_key(partner, name="line 1")
    assert issued.secret.startswith("ppk_") and issued.secret not in {issued.partner_key.key_hash, issued.partner_key.prefix}
    assert issued.partner_key.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    client = Client(headers={"X-API-KEY": issued.secret})
    assert client.get("/v4/partner/jobs").status_code == 200
    first_use = PartnerKey.objects.get(pk=issued.partner_key.pk).last_used_at
    assert first_use is not None
    assert client.get("/v4/partner/jobs").status_code == 200
    assert PartnerKey.objects.get(pk=issued.partner_key.pk).last_used_at == first_use  # at most once a minute
    keys.revoke_key(issued.partner_key.prefix)
    assert client.get("/v4/partner/jobs").status_code == 401


def test_bad_partner_keys_are_counted_like_merchants_and_become_429(partner):
    bad = Client(headers={"X-API-KEY": "ppk_deadbeef_not-a-key"})
    for _ in range(throttling.KEY_ADDRESS.lock_after):
        assert bad.get("/v4/partner/jobs", REMOTE_ADDR="203.0.113.9").status_code == 401
    refused = bad.get("/v4/partner/jobs", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_attempts" and refused["Retry-After"]
    good = Client(headers={"X-API-KEY": keys.issue_key(partner).secret})
    assert good.get("/v4/partner/jobs", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_merchant_cancel_before_printed_reaches_the_queue_at_once_and_printed_is_refused(api, order, papi):
    assert papi.post("/v2/order/status", report(order.id, "received")).status_code == 200
    canceled = api.post(f"/v4/orders/{order.id}:cancel")
    assert canceled.status_code == 200 and canceled.json()["fulfillmentStatus"] == "canceled"
    job = papi.get(f"/v4/partner/jobs/{order.id}").json()
    assert (job["status"], job["canceled"]) == ("canceled", True)
    assert [j["orderId"] for j in papi.get("/v4/partner/jobs?status=canceled").json()["jobs"]] == [str(order.id)]
    refused = papi.post("/v2/order/status", report(order.id, "printed"))
    assert refused.status_code == 409 and refused.json()["code"] == "order_canceled"
    assert "canceled by the merchant" in refused.json()["message"]
    assert api.get(f"/v4/orders/{order.id}").json()["fulfillmentStatus"] == "canceled"


def test_merchant_cancel_after_printed_is_refused(api, order, papi):
    assert papi.post("/v2/order/status", report(order.id, "printed")).status_code == 200
    refused = api.post(f"/v4/orders/{order.id}:cancel")
    assert refused.status_code == 409 and refused.json()["code"] == "order_already_printed"
    assert "already printed" in refused.json()["message"]
    job = papi.get(f"/v4/partner/jobs/{order.id}").json()
    assert (job["status"], job["canceled"]) == ("printed", False)


def test_an_address_change_before_printed_reaches_the_job_marked_as_changed(api, order, papi):
    before = papi.get(f"/v4/partner/jobs/{order.id}").json()
    moved = {**BERLIN, "addressLine1": "Alexanderplatz 5", "postCode": "10178"}
    changed = api.put(f"/v4/orders/{order.id}/shipping-address", moved)
    assert changed.status_code == 200, changed.content
    job = papi.get(f"/v4/partner/jobs/{order.id}").json()
    assert job["shippingAddress"]["addressLine1"] == "Alexanderplatz 5" and job["shippingAddress"]["postCode"] == "10178"
    assert job["addressChanged"] is True and job["addressChangedAt"] is not None
    assert job["updatedAt"] > before["updatedAt"]
    since = before["updatedAt"]
    assert [j["orderId"] for j in papi.get("/v4/partner/jobs").json()["jobs"]] == [str(order.id)]
    assert str(order.id) in [j["orderId"] for j in papi.get(f"/v4/partner/jobs?since={since.replace('+00:00', 'Z')}").json()["jobs"]]

    # Once printed, the merchant can no longer change it (the job keeps what production has).
    assert papi.post("/v2/order/status", report(order.id, "printed")).status_code == 200
    late = api.put(f"/v4/orders/{order.id}/shipping-address", {**moved, "addressLine1": "Somewhere else 1"})
    assert late.status_code == 409
    assert papi.get(f"/v4/partner/jobs/{order.id}").json()["shippingAddress"]["addressLine1"] == "Alexanderplatz 5"


def report(order_id, status: str, **fields) -> dict:
    return {"timestamp": timezone.now().isoformat(), "orderId": str(order_id), "status": status, **fields}
