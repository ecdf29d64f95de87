"""Fixing a failed order from its page (Django's client): another file by link or upload, another product, the
customer's design for a personalized item; the page follows the checks while they run."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from platen.dashboard.templatetags.dashboard import file_label
from platen.orders.models import ItemFile, Order
from platen.orders.statuses import Fulfillment
from tests.dashboard.conftest import POSTER
from tests.orders.factories import TSHIRT
from tests.preflight import samples

pytestmark = pytest.mark.django_db

A4_POSTER = "flat_product_pf_a4_pt_200-gsm-uncoated_cl_4-0_ver"


@pytest.fixture
def failed(make_order, files, tmp_path) -> Order:
    """An A3 poster whose file is A4: it fails its page-size check."""
    url = files.publish("page-a4.pdf", samples.good_poster(tmp_path).read_bytes(), "application/pdf")
    order = make_order("FIX-1", items=[{"itemReferenceId": "item-1", "productUid": POSTER, "quantity": 2,
                                        "files": [{"type": "default", "url": url}]}])
    assert order.fulfillment_status == Fulfillment.FAILED
    return order


def page(client, order) -> str:
    return client.get(f"/orders/{order.id}/").content.decode()


def fix_card(html: str) -> str:
    start = html.index('data-testid="fix"')
    return html[start:html.index("</section>", start)]


def test_a_failed_item_offers_its_fixes_in_words(merchant_client, failed):
    html = page(merchant_client, failed)
    card = fix_card(html)
    assert "Fix this order" in card and "Item item-1" in card
    assert "Page 1 has a trim box of 210 x 297 mm" in card
    assert "items[0]" not in card and "productUid" not in card  # sentences, not field paths
    # The catalog by name, grouped by kind; the current product chosen.
    assert '<optgroup label="Poster">' in card
    assert f'<option value="{POSTER}" selected>Poster A3 (200 gsm uncoated)</option>' in card
    assert "Link to the file" in card and 'type="file"' in card
    assert "Reprocess" in html and 'hx-trigger="every 2s"' not in html  # settled: no polling


def test_replace_the_link_then_reprocess_and_follow_the_checks(merchant_client, failed, files, settle):
    good = files.url("/files/print.pdf")
    item = failed.items.get()
    response = merchant_client.post(f"/orders/{failed.id}/items/{item.id}/file/", {"type": "default", "url": good}, follow=True)
    assert response.redirect_chain == [(f"/orders/{failed.id}/", 302)]
    html = response.content.decode()
    assert "The print file of item item-1 was replaced" in html
    # Gone at once from the page (the history keeps it).
    assert 'data-testid="item-fixed"' in html and 'data-testid="problems"' not in html
    assert "Page 1 has a trim box" not in fix_card(html)
    assert "Item item-1 changed" in html and f"new file for the design: {file_label(good)}" in html
    assert "by merchant@acme.test" in html
    assert ItemFile.objects.get(item=item).url == good

    html = merchant_client.post(f"/orders/{failed.id}/reprocess/", follow=True).content.decode()
    assert 'hx-trigger="every 2s"' in html and "this page updates by itself" in html
    assert 'data-testid="fix"' not in html  # nothing to fix while the checks run
    settle()
    html = page(merchant_client, failed)
    assert 'hx-trigger="every 2s"' not in html and 'data-status="created"' in html
    assert ">Reprocess<" not in html


def test_upload_a_file(merchant_client, other_merchant, failed, files, settle):
    from django.test import Client

    item = failed.items.get()
    upload = SimpleUploadedFile("final poster.pdf", files.get("print.pdf"), "application/pdf")
    html = merchant_client.post(f"/orders/{failed.id}/items/{item.id}/file/", {"type": "default", "url": "", "file": upload},
                                follow=True).content.decode()
    assert "was replaced" in html and "Print file final poster.pdf uploaded for item item-1" in html
    link = f"/orders/{failed.id}/items/{item.id}/uploads/default/"
    assert f'href="{link}"' in html and ">final poster.pdf</a>" in html
    download = merchant_client.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == files.get("print.pdf")
    assert download["X-Content-Type-Options"] == "nosniff"
    theirs = Client()
    theirs.force_login(other_merchant)
    assert theirs.get(link).status_code == 404

    merchant_client.post(f"/orders/{failed.id}/reprocess/")
    settle()
    failed.refresh_from_db()
    assert failed.fulfillment_status == Fulfillment.CREATED


def test_choose_another_product(merchant_client, failed):
    item = failed.items.get()
    html = merchant_client.post(f"/orders/{failed.id}/items/{item.id}/product/",
                                {"product": A4_POSTER, "quantity": "3", "page_count": ""}, follow=True).content.decode()
    assert "Item item-1 was changed to Poster A4 (200 gsm uncoated)" in html
    # The file is known: judged against the new product at once, and it fits.
    assert 'data-testid="item-fixed"' in html and 'data-testid="problems"' not in html
    assert "Page 1 has a trim box" not in fix_card(html)
    assert "product: Poster A3 (200 gsm uncoated) → Poster A4 (200 gsm uncoated)" in html and "quantity: 2 → 3" in html
    item.refresh_from_db()
    assert (item.product_uid, item.quantity) == (A4_POSTER, 3)


@pytest.mark.parametrize("form, words", [
    ({"product": POSTER, "quantity": "501", "page_count": ""}, "at most 500 per item"),
    ({"product": POSTER, "quantity": "two", "page_count": ""}, "as whole numbers"),
    ({"product": POSTER, "quantity": "999999", "page_count": ""}, "less than or equal to 100000"),
])
def test_a_refused_product_change_says_why_and_changes_nothing(merchant_client, failed, form, words):
    item = failed.items.get()
    html = merchant_client.post(f"/orders/{failed.id}/items/{item.id}/product/", form, follow=True).content.decode()
    assert words in html and 'class="flash flash-error"' in html
    item.refresh_from_db()
    assert item.quantity == 2 and not failed.events.filter(type="item_changed").exists()


def test_file_form_needs_a_link_or_a_file(merchant_client, failed):
    item = failed.items.get()
    html = merchant_client.post(f"/orders/{failed.id}/items/{item.id}/file/", {"type": "default", "url": "ftp://x/y.pdf"},
                                follow=True).content.decode()
    assert "Give the file as an http or https URL" in html
    html = merchant_client.post(f"/orders/{failed.id}/items/{item.id}/file/", {"type": "default", "url": ""},
                                follow=True).content.decode()
    assert "Give a link to the file, or choose a file to upload." in html
    assert not failed.events.filter(type__in=["item_changed", "file_uploaded"]).exists()


def test_another_accounts_order_is_404_and_unchanged(other_merchant, failed, files):
    from django.test import Client

    client = Client()
    client.force_login(other_merchant)
    item = failed.items.get()
    assert client.post(f"/orders/{failed.id}/items/{item.id}/file/", {"url": files.url("/files/print.pdf")}).status_code == 404
    assert client.post(f"/orders/{failed.id}/items/{item.id}/product/", {"product": A4_POSTER, "quantity": "1"}).status_code == 404
    item.refresh_from_db()
    assert item.product_uid == POSTER and not failed.events.filter(type="item_changed").exists()


def test_a_created_order_offers_no_fixes_and_refuses_them(merchant_client, make_order, files):
    order = make_order("GOOD-1")
    html = page(merchant_client, order)
    assert 'data-testid="fix"' not in html and ">Reprocess<" not in html
    item = order.items.get()
    html = merchant_client.post(f"/orders/{order.id}/items/{item.id}/product/", {"product": A4_POSTER, "quantity": "1"},
                                follow=True).content.decode()
    assert "item-1 is created, not failed" in html


def test_personalization_from_the_page(merchant_client, make_order, files, settle):
    order = make_order("PERS-1", items=[{"itemReferenceId": "shirt", "productUid": TSHIRT, "quantity": 1}])
    assert order.fulfillment_status == Fulfillment.PENDING_PERSONALIZATION
    html = page(merchant_client, order)
    assert "Waiting for the customer's design" in html and '<option value="front">Front</option>' in html
    item = order.items.get()
    html = merchant_client.post(f"/orders/{order.id}/items/{item.id}/file/",
                                {"type": "front", "url": files.url("/files/print.png")}, follow=True).content.decode()
    assert "The design was received; the item is being checked." in html
    assert 'hx-trigger="every 2s"' in html  # received: the page follows the checks
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status == Fulfillment.CREATED
