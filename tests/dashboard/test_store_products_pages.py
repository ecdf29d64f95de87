"""The store's Products pages (tabs, variant counts red and grey, Connect and Ignore) and Complete order, through
Django's test client as a logged-in merchant; another merchant's store or order is the 404 page."""

from __future__ import annotations

import re

import pytest

from platen.stores.connectors.base import StoreProductData, StoreVariantData
from platen.stores.models import StoreVariant
from platen.stores.services import products
from platen.stores.statuses import Connection
from tests.stores import factories
from tests.stores.factories import POSTER, Line

pytestmark = pytest.mark.django_db
DESIGN_URL = "https://files.example.com/sunset.pdf"


@pytest.fixture
def shop(account):
    shop = factories.store(account, name="Acme Posters")
    products.apply_product(shop, StoreProductData("111", "Sunset poster", (
        StoreVariantData("1", "SUN-A3", "A3", {"Size": "A3"}), StoreVariantData("2", "SUN-A2", "A2", {"Size": "A2"}))))
    products.apply_product(shop, StoreProductData("222", "Toy car", (StoreVariantData("5", "CAR-RED", "Red"),)))
    return shop


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_products_page_has_tabs_and_red_and_grey_counts(merchant_client, shop):
    a3 = StoreVariant.objects.get(external_id="1")
    merchant_client.post(f"/stores/{shop.pk}/variants/{a3.pk}/connect/", {"product": POSTER, "type": "default", "url": DESIGN_URL})
    merchant_client.post(f"/stores/{shop.pk}/products/222/ignore/")
    page = text(merchant_client.get(f"/stores/{shop.pk}/products/"))
    assert "Products of Acme Posters" in page
    for label, n in (("All", 2), ("Connected", 1), ("Not connected", 1), ("Ignored", 1)):
        assert re.search(rf">{label} <span class=\"chip-count\">{n}</span>", page), label
    assert 'class="store-count is-open" data-testid="count-not-connected" title="Variants not connected">1 not connected' in page
    assert 'class="store-count is-ignored" data-testid="count-ignored" title="Variants ignored">1 ignored' in page
    connected_tab = text(merchant_client.get(f"/stores/{shop.pk}/products/?show=connected"))
    assert "Sunset poster" in connected_tab and "Toy car" not in connected_tab


def test_a_variant_is_connected_ignored_and_disconnected_from_its_product_page(merchant_client, shop):
    a3 = StoreVariant.objects.get(external_id="1")
    page = text(merchant_client.get(f"/stores/{shop.pk}/products/111/"))
    assert "SUN-A3" in page and "Choose a product…" in page and "Poster" in page

    refused = merchant_client.post(f"/stores/{shop.pk}/variants/{a3.pk}/connect/", {"product": POSTER, "url": "ftp://x"}, follow=True)
    assert "Nothing was connected" in text(refused)
    a3.refresh_from_db()
    assert a3.connection == Connection.NOT_CONNECTED

    done = merchant_client.post(f"/stores/{shop.pk}/variants/{a3.pk}/connect/", {"product": POSTER, "type": "default", "url": DESIGN_URL}, follow=True)
    assert "A3 is connected" in text(done) and "Made as" in text(done)
    a3.refresh_from_db()
    assert (a3.connection, a3.product_uid, a3.files) == (Connection.CONNECTED, POSTER, [{"type": "default", "url": DESIGN_URL}])
    merchant_client.post(f"/stores/{shop.pk}/variants/{a3.pk}/ignore/")
    a3.refresh_from_db()
    assert a3.connection == Connection.IGNORED
    merchant_client.post(f"/stores/{shop.pk}/variants/{a3.pk}/disconnect/")
    a3.refresh_from_db()
    assert a3.connection == Connection.NOT_CONNECTED


def test_another_merchants_store_and_order_are_not_found(client, other_merchant, shop):
    client.force_login(other_merchant)
    a3 = StoreVariant.objects.get(external_id="1")
    order = factories.not_connected_order(shop, [Line(a3)])
    assert client.get(f"/stores/{shop.pk}/products/").status_code == 404
    assert client.get(f"/stores/{shop.pk}/products/111/").status_code == 404
    assert client.post(f"/stores/{shop.pk}/variants/{a3.pk}/ignore/").status_code == 404
    assert client.get(f"/orders/{order.id}/complete/").status_code == 404
    item = order.items.get()
    assert client.post(f"/orders/{order.id}/complete/{item.id}/", {"action": "ignore", "scope": "order"}).status_code == 404
    a3.refresh_from_db()
    assert a3.connection == Connection.NOT_CONNECTED


def test_complete_order_from_the_order_page(merchant_client, shop):
    a3, red = StoreVariant.objects.get(external_id="1"), StoreVariant.objects.get(external_id="5")
    order = factories.not_connected_order(shop, [Line(a3), Line(red)])
    detail = text(merchant_client.get(f"/orders/{order.id}/"))
    assert f'href="/orders/{order.id}/complete/" data-testid="complete-order">Complete order' in detail
    assert ">Reprocess<" not in detail and 'data-testid="fix"' not in detail  # completed item by item instead

    page = text(merchant_client.get(f"/orders/{order.id}/complete/"))
    assert "Sunset poster – A3" in page and "Toy car – Red" in page
    for words in ("Ignore this item for this order", "Ignore this variant for all incoming orders",
                  "Ignore this product for all incoming orders in all variants",
                  "Connect this variant for this and all incoming orders", "Connect this item for this order only"):
        assert words in page

    first, second = order.items.order_by("position")
    step = merchant_client.post(f"/orders/{order.id}/complete/{first.id}/", {
        "action": "connect", "product": POSTER, "type": "default", "url": DESIGN_URL, "scope": "variant"}, follow=True)
    assert step.redirect_chain[-1][0] == f"/orders/{order.id}/complete/"
    assert "Decided" in text(step) and "made as" in text(step)
    done = merchant_client.post(f"/orders/{order.id}/complete/{second.id}/", {"action": "ignore", "scope": "variant"}, follow=True)
    assert done.redirect_chain[-1][0] == f"/orders/{order.id}/"
    assert "is ignored. The order is complete" in text(done)
    order.refresh_from_db()
    assert order.fulfillment_status == "received"
    red.refresh_from_db()
    assert red.connection == Connection.IGNORED
    # Not waiting any more: the Complete page sends the merchant back to the order.
    assert merchant_client.get(f"/orders/{order.id}/complete/").status_code == 302
