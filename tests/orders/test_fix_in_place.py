"""Fixing a failed order in place through the API: another file URL, an uploaded file, another product, then
Reprocess; refusals change nothing. Files come from the loopback file server, jobs run through the worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from platen.orders.models import ItemFile, Order
from tests.orders.factories import POSTER, TSHIRT, order_payload
from tests.orders.test_pipeline import create, history
from tests.preflight import samples

pytestmark = pytest.mark.django_db

A4_POSTER = "flat_product_pf_a4_pt_200-gsm-uncoated_cl_4-0_ver"


def upload(api, order_id, reference, file_type, body: bytes, name="design.pdf"):
    """A multipart upload, as a merchant's program sends one."""
    return api.client.post(f"/v4/orders/{order_id}/items/{reference}/files/{file_type}",
                           {"file": SimpleUploadedFile(name, body)}, headers={"X-API-KEY": api.key})


@pytest.fixture
def failed(api, settle, files, tmp_path) -> dict:
    """An order whose poster (A3) got an A4 file: the poster failed its page-size check; the t-shirt passed."""
    url = files.publish("fix-a4.pdf", samples.good_poster(tmp_path).read_bytes(), "application/pdf")
    items = order_payload()["items"]
    items[0]["files"] = [{"type": "default", "url": url}]
    order = create(api, settle, items=items)
    assert order["fulfillmentStatus"] == "failed"
    assert [p["code"] for p in order["problems"]] == ["file_page_size"]
    return order


def test_replace_the_file_url_then_reprocess(api, settle, files, failed):
    good = files.url("/files/print.pdf")
    response = api.patch(f"/v4/orders/{failed['id']}", {"items": [{"itemReferenceId": "poster-1",
                                                                     "files": [{"type": "default", "url": good}]}]})
    assert response.status_code == 200, response.content
    body = response.json()
    # The fixed problem is gone at once; the order waits for Reprocess.
    assert body["problems"] == [] and body["fulfillmentStatus"] == "failed"
    poster = body["items"][0]
    assert poster["files"] == [{"type": "default", "url": good, "processedFileUrl": None, "preflight": None}]
    event = api.get(f"/v4/orders/{failed['id']}/events").json()["events"][-1]
    assert event["type"] == "item_changed" and event["itemReferenceId"] == "poster-1"
    assert event["actor"]["label"] == "tests" and event["parameters"]["files"] == [{"type": "default", "url": good}]

    assert api.post(f"/v4/orders/{failed['id']}:reprocess").status_code == 200
    settle()
    again = api.get(f"/v4/orders/{failed['id']}").json()
    assert again["fulfillmentStatus"] == "created" and again["problems"] == []
    assert again["items"][0]["files"][0]["preflight"]["passed"] is True


def test_upload_a_file_then_reprocess_checks_the_stored_copy(api, settle, files, failed):
    good = files.get("print.pdf")
    response = upload(api, failed["id"], "poster-1", "default", good, name="poster final.pdf")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["problems"] == [] and body["fulfillmentStatus"] == "failed"
    [file] = body["items"][0]["files"]
    assert file["url"].endswith(f"/v4/orders/{failed['id']}/items/poster-1/files/default")
    stored = ItemFile.objects.get(item__order_id=failed["id"], item__item_reference_id="poster-1")
    assert stored.uploaded_as == "poster final.pdf" and stored.detected_type == "pdf" and stored.size == len(good)
    assert (Path(settings.PLATEN.data_dir) / "files" / f"{stored.content_sha256}.pdf").read_bytes() == good
    assert "file_uploaded" in history(api, failed["id"])

    # The API gives the upload back, as a download.
    download = api.get(f"/v4/orders/{failed['id']}/items/poster-1/files/default")
    assert download.status_code == 200 and b"".join(download.streaming_content) == good
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]

    hits = len(files.hits)
    assert api.post(f"/v4/orders/{failed['id']}:reprocess").status_code == 200
    settle()
    again = api.get(f"/v4/orders/{failed['id']}").json()
    assert again["fulfillmentStatus"] == "created" and again["items"][0]["files"][0]["preflight"]["passed"] is True
    assert files.hits[hits:] == []  # checked from the store, never fetched


def test_change_the_product_judges_the_known_file_again_at_once(api, settle, failed):
    response = api.patch(f"/v4/orders/{failed['id']}", {"items": [{"itemReferenceId": "poster-1", "productUid": A4_POSTER}]})
    assert response.status_code == 200, response.content
    body = response.json()
    poster = body["items"][0]
    assert poster["productUid"] == A4_POSTER and poster["files"][0]["preflight"]["passed"] is True
    assert body["problems"] == []
    changed = api.get(f"/v4/orders/{failed['id']}/events").json()["events"][-1]["parameters"]["changed"]
    assert changed == {"productUid": {"from": POSTER, "to": A4_POSTER}}
    assert api.post(f"/v4/orders/{failed['id']}:reprocess").status_code == 200
    settle()
    assert api.get(f"/v4/orders/{failed['id']}").json()["fulfillmentStatus"] == "created"


def test_quantity_change_keeps_the_untouched_file_problem(api, failed):
    response = api.patch(f"/v4/orders/{failed['id']}", {"items": [{"itemReferenceId": "poster-1", "quantity": 5}]})
    assert response.status_code == 200 and response.json()["items"][0]["quantity"] == 5
    # A file problem that was not touched stays.
    assert [p["code"] for p in response.json()["problems"]] == ["file_page_size"]


@pytest.mark.parametrize("change, field, words", [
    ({"productUid": "no-such-product"}, "items[0].productUid", "Choose a product from the catalog"),
    ({"quantity": 501}, "items[0].quantity", "at most 500 per item"),
    ({"pageCount": 24}, "items[0].pageCount", "single-page product"),
    ({"files": [{"type": "default", "url": "ftp://x/y.pdf"}]}, "items[0].files[0].url", "http or https URL"),
    ({}, "items[0]", "Say what to change"),
])
def test_bad_input_is_400_and_changes_nothing(api, failed, change, field, words):
    before = api.get(f"/v4/orders/{failed['id']}").json()
    response = api.patch(f"/v4/orders/{failed['id']}", {"items": [{"itemReferenceId": "poster-1", **change}]})
    assert response.status_code == 400, response.content
    assert any(d["field"] == field and words in d["message"] for d in response.json()["details"]), response.json()
    after = api.get(f"/v4/orders/{failed['id']}").json()
    assert after["items"] == before["items"] and after["problems"] == before["problems"]
    assert "item_changed" not in history(api, failed["id"])


def test_unknown_item_and_no_items_are_400(api, failed):
    unknown = api.patch(f"/v4/orders/{failed['id']}", {"items": [{"itemReferenceId": "nope", "quantity": 1}]})
    assert unknown.status_code == 400 and unknown.json()["details"][0]["field"] == "items[0].itemReferenceId"
    assert api.patch(f"/v4/orders/{failed['id']}", {}).status_code == 400


def test_only_failed_items_change(api, failed):
    # The t-shirt of the same order passed: it is not changed, and nothing else is either.
    response = api.patch(f"/v4/orders/{failed['id']}", {"items": [
        {"itemReferenceId": "poster-1", "quantity": 3}, {"itemReferenceId": "shirt-1", "quantity": 3}]})
    assert response.status_code == 409 and response.json()["code"] == "item_not_failed"
    assert "shirt-1 is passed, not failed" in response.json()["message"]
    assert [i["quantity"] for i in api.get(f"/v4/orders/{failed['id']}").json()["items"]] == [2, 1]


def test_a_created_order_is_409_and_another_accounts_404(api, other_api, settle, files, failed):
    good = create(api, settle)
    patch = {"items": [{"itemReferenceId": "poster-1", "quantity": 1}]}
    refused = api.patch(f"/v4/orders/{good['id']}", patch)
    assert refused.status_code == 409 and "not failed" in refused.json()["message"]
    assert upload(api, good["id"], "poster-1", "default", files.get("print.pdf")).status_code == 409
    assert other_api.patch(f"/v4/orders/{failed['id']}", patch).status_code == 404
    assert upload(other_api, failed["id"], "poster-1", "default", files.get("print.pdf")).status_code == 404
    assert other_api.get(f"/v4/orders/{failed['id']}/items/poster-1/files/default").status_code == 404


def test_an_item_being_checked_is_409(api, failed):
    assert api.post(f"/v4/orders/{failed['id']}:reprocess").status_code == 200  # received until the worker runs
    response = api.patch(f"/v4/orders/{failed['id']}", {"items": [{"itemReferenceId": "poster-1", "quantity": 1}]})
    assert response.status_code == 409 and "being checked" in response.json()["message"]


def test_upload_refuses_what_is_not_a_print_file(api, failed):
    stored_before = set((Path(settings.PLATEN.data_dir) / "files").iterdir())
    page = upload(api, failed["id"], "poster-1", "default", b"<html>log in</html>", name="login.html")
    assert page.status_code == 400 and page.json()["code"] == "invalid_file"
    assert "login.html is not a PDF, PNG, JPEG, TIFF or SVG file" in page.json()["message"]
    empty = upload(api, failed["id"], "poster-1", "default", b"", name="empty.pdf")
    assert empty.status_code == 400
    bad_type = upload(api, failed["id"], "poster-1", "cover", b"%PDF-1.7")
    assert bad_type.status_code == 400 and bad_type.json()["details"][0]["field"] == "type"
    missing = api.client.post(f"/v4/orders/{failed['id']}/items/poster-1/files/default", {}, headers={"X-API-KEY": api.key})
    assert missing.status_code == 400
    assert set((Path(settings.PLATEN.data_dir) / "files").iterdir()) == stored_before
    assert "file_uploaded" not in history(api, failed["id"])


def test_upload_gives_an_item_its_personalization(api, settle, files):
    items = [{"itemReferenceId": "shirt-1", "productUid": TSHIRT, "quantity": 1}]  # personalizable, no file yet
    order = create(api, settle, items=items)
    assert order["fulfillmentStatus"] == "pending_personalization"
    response = upload(api, order["id"], "shirt-1", "front", files.get("print.png"), name="face.png")
    assert response.status_code == 200 and response.json()["fulfillmentStatus"] == "received"
    settle()
    done = api.get(f"/v4/orders/{order['id']}").json()
    assert done["fulfillmentStatus"] == "created" and done["items"][0]["files"][0]["preflight"]["passed"] is True
    assert {"file_uploaded", "personalization_received"} <= set(history(api, order["id"]))


def test_draft_patch_is_unchanged(api):
    draft = api.post("/v4/orders", order_payload(orderType="draft")).json()
    items = [{"itemReferenceId": "only", "productUid": POSTER, "quantity": 3}]
    response = api.patch(f"/v4/orders/{draft['id']}", {"items": items})
    assert response.status_code == 200 and [i["itemReferenceId"] for i in response.json()["items"]] == ["only"]
    assert Order.objects.get(pk=draft["id"]).is_draft


def test_a_fixed_shipping_address_takes_its_problems_off_at_once(api, settle):
    from tests.orders.factories import BERLIN

    order = create(api, settle, shippingAddress={**BERLIN, "postCode": "ABC"})
    assert order["fulfillmentStatus"] == "failed" and order["problems"][0]["field"] == "shippingAddress.postCode"
    response = api.put(f"/v4/orders/{order['id']}/shipping-address", BERLIN)
    assert response.status_code == 200 and response.json()["problems"] == []
    assert response.json()["fulfillmentStatus"] == "failed"  # until Reprocess checks it again


def test_an_upload_over_the_cap_is_refused_and_nothing_stays(tmp_path):
    from platen.preflight.fetching import FetchFailed, store_upload

    with pytest.raises(FetchFailed) as refused:
        store_upload([b"%PDF-1.7\n", b"x" * 100], name="big.pdf", max_bytes=64, dest_dir=tmp_path)
    assert refused.value.code == "too_large" and "big.pdf is larger than" in refused.value.reason
    assert list(tmp_path.iterdir()) == []
    kept = store_upload([b"%PDF-1.7\n", b"x" * 10], name="ok.pdf", max_bytes=64, dest_dir=tmp_path)
    assert kept.detected_type == "pdf" and kept.path == tmp_path / f"{kept.sha256}.pdf"
    assert list(tmp_path.iterdir()) == [kept.path]


# The shipment method of a failed order.

def test_another_shipment_method_fixes_an_unknown_one(api, settle, files):
    order = create(api, settle, shipmentMethodUid="pigeon")
    assert order["fulfillmentStatus"] == "failed" and order["totalInclVat"] is None
    assert [p["code"] for p in order["problems"]] == ["unknown_shipment_method"]

    response = api.patch(f"/v4/orders/{order['id']}", {"shipmentMethodUid": "express"})
    assert response.status_code == 200, response.content
    body = response.json()
    # The problem is gone at once and the order is priced with the new method; it waits for Reprocess.
    assert body["problems"] == [] and body["fulfillmentStatus"] == "failed"
    assert body["totalInclVat"] is not None and len(body["receipts"]) == 1
    shipping = next(i for i in body["receipts"][0]["items"] if i["type"] == "shipping")
    event = api.get(f"/v4/orders/{order['id']}/events").json()["events"][-1]
    assert event["type"] == "shipment_method_changed" and event["actor"]["label"] == "tests"
    assert event["parameters"] == {"shipmentMethodUid": {"from": "pigeon", "to": "express"},
                                   "shipmentMethodName": {"from": "pigeon", "to": "Express"}}
    assert Order.objects.get(pk=order["id"]).requested_shipment_method == "express"

    assert api.post(f"/v4/orders/{order['id']}:reprocess").status_code == 200
    settle()
    again = api.get(f"/v4/orders/{order['id']}").json()
    assert again["fulfillmentStatus"] == "created" and again["problems"] == []
    assert again["shipment"]["shipmentMethodName"] == shipping["title"]


def test_a_method_that_does_not_exist_is_refused_and_changes_nothing(api, settle, files):
    order = create(api, settle, shipmentMethodUid="pigeon")
    before = api.get(f"/v4/orders/{order['id']}/events").json()["events"]
    response = api.patch(f"/v4/orders/{order['id']}", {"shipmentMethodUid": "standard,carrier_owl"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_shipment_method" and body["details"][0]["field"] == "shipmentMethodUid"
    assert "carrier_owl" in body["message"]
    assert Order.objects.get(pk=order["id"]).requested_shipment_method == "pigeon"
    assert api.get(f"/v4/orders/{order['id']}/events").json()["events"] == before


def test_only_a_failed_order_changes_its_method(api, settle, files):
    order = create(api, settle)
    assert order["fulfillmentStatus"] == "created"
    response = api.patch(f"/v4/orders/{order['id']}", {"shipmentMethodUid": "express"})
    assert response.status_code == 409 and response.json()["code"] == "order_not_failed"
    assert Order.objects.get(pk=order["id"]).requested_shipment_method == ""


def test_a_method_that_cannot_carry_the_order_is_refused(api, settle, files):
    order = create(api, settle, shipmentMethodUid="pigeon")
    # A method that exists but does not deliver to Berlin (an American one).
    from platen.catalog import snapshot
    from platen.orders.services.method_fix import choices

    row = Order.objects.get(pk=order["id"])
    elsewhere = sorted(snapshot.current().method_uids - {o.uid for o in choices(row, list(row.items.all()))})
    assert elsewhere
    response = api.patch(f"/v4/orders/{order['id']}", {"shipmentMethodUid": elsewhere[0]})
    assert response.status_code == 400 and response.json()["code"] == "change_refused"
    assert Order.objects.get(pk=order["id"]).requested_shipment_method == "pigeon"
