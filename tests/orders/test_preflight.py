"""Print files are checked against the item's product in the pipeline: bad files fail the item with the
checks' sentences, good ones pass, the report is in the API; one content is fetched and read once."""

from __future__ import annotations

import pytest

from platen.preflight.models import FileFacts
from tests.orders.factories import TSHIRT, order_payload
from tests.orders.test_pipeline import create
from tests.preflight import samples

pytestmark = pytest.mark.django_db

A3_NEEDS = "Poster A3 (200 gsm uncoated) needs 303 x 426 mm: 297 x 420 mm plus 3 mm bleed on every side"


def with_poster_file(url: str) -> list[dict]:
    items = order_payload()["items"]
    items[0]["files"] = [{"type": "default", "url": url}]
    return items


def test_a_file_that_does_not_fit_the_product_fails_its_item_with_the_reason(api, other_api, settle, files, tmp_path):
    url = files.publish("a4-poster.pdf", samples.good_poster(tmp_path).read_bytes(), "application/pdf")
    order = create(api, settle, items=with_poster_file(url))

    assert order["fulfillmentStatus"] == "failed"
    message = f"Page 1 has a trim box of 210 x 297 mm; {A3_NEEDS}. Set the document size to the product's size."
    assert order["problems"] == [{"field": "items[0].files[0]", "code": "file_page_size", "message": message}]
    poster, shirt = order["items"]
    assert poster["fulfillmentStatus"] == "failed" and shirt["fulfillmentStatus"] == "passed"
    report = poster["files"][0]["preflight"]
    assert report["passed"] is False
    assert [(c["check"], c["page"]) for c in report["checks"] if not c["passed"]] == [("page_size", 1)]
    assert shirt["files"][0]["preflight"]["passed"] is True

    item = api.get(f"/v4/orders/{order['id']}/items/poster-1")
    assert item.status_code == 200 and item.json()["files"][0]["preflight"] == report
    assert other_api.get(f"/v4/orders/{order['id']}/items/poster-1").status_code == 404
    assert api.get(f"/v4/orders/{order['id']}/items/nope").json()["code"] == "item_not_found"
    events = api.get(f"/v4/orders/{order['id']}/events").json()["events"]
    assert any(message in e["reason"] for e in events if e["type"] == "order_status_changed")


@pytest.mark.parametrize("sample, code, words", [
    (samples.font_in_form_xobject, "file_fonts", "uses the font Helvetica, which is not embedded"),
    (samples.encrypted_user_password, "file_encryption", "locked with a password"),
    (samples.not_a_pdf, "file_readable", "is not a readable PDF"),
])
def test_bad_files_fail_with_actionable_reasons(api, settle, files, tmp_path, sample, code, words):
    path = sample(tmp_path)
    order = create(api, settle, items=with_poster_file(files.publish(path.name, path.read_bytes())))
    assert order["fulfillmentStatus"] == "failed"
    assert any(p["code"] == code and words in p["message"] for p in order["problems"])


def test_one_file_in_many_items_is_fetched_and_read_once(api, settle, files, tmp_path):
    url = files.publish("shirt.png", samples.png_rgb(tmp_path, 1800, 2400).read_bytes(), "image/png")
    shirts = [{"itemReferenceId": f"shirt-{n}", "productUid": TSHIRT, "quantity": 1, "files": [{"type": "front", "url": url}]}
              for n in range(3)]
    order = create(api, settle, items=shirts)
    assert order["fulfillmentStatus"] == "created"
    assert files.hits.count("/files/shirt.png") == 1
    assert FileFacts.objects.count() == 1

    # The next order with the same content is judged from the stored facts (changed here to show they are read).
    FileFacts.objects.update(facts={**FileFacts.objects.get().facts, "width": 900, "height": 1200})
    again = create(api, settle, items=shirts[:1])
    assert again["fulfillmentStatus"] == "failed"
    assert "The image is 900 x 1200 px, which prints at 76 ppi" in again["problems"][0]["message"]
    assert FileFacts.objects.count() == 1


def test_reprocess_fetches_and_checks_a_replaced_file_again(api, settle, files, tmp_path):
    url = files.publish("replaced.pdf", samples.font_in_form_xobject(tmp_path).read_bytes(), "application/pdf")
    order = create(api, settle, items=with_poster_file(url))
    assert {p["code"] for p in order["problems"]} == {"file_page_size", "file_fonts"}  # an A4 file for an A3 poster
    files.publish("replaced.pdf", files.get("print.pdf"), "application/pdf")  # the merchant uploads a fixed file
    assert api.post(f"/v4/orders/{order['id']}:reprocess").status_code == 200
    settle()
    again = api.get(f"/v4/orders/{order['id']}").json()
    assert again["fulfillmentStatus"] == "created" and again["problems"] == []
    assert again["items"][0]["files"][0]["preflight"]["passed"] is True
