"""Orders list and detail pages."""

import pytest

from platen.dashboard.views.orders import PAGE_SIZE
from tests.dashboard.conftest import ADDRESS
from tests.orders import factories

pytestmark = pytest.mark.django_db


def test_empty_list_explains_where_orders_come_from(merchant_client):
    html = merchant_client.get("/orders/").content.decode()
    assert "No orders yet" in html and "through the API" in html and "/v4/" not in html


def test_root_is_the_orders_list(merchant_client, make_order):
    make_order("REF-1")
    response = merchant_client.get("/")
    assert response.status_code == 200 and "REF-1" in response.content.decode()


def test_list_shows_orders_newest_first(merchant_client, make_order):
    make_order("FIRST")
    make_order("SECOND")
    html = merchant_client.get("/orders/").content.decode()
    assert html.index("SECOND") < html.index("FIRST")
    assert "Ada Lovelace" in html and "Berlin, DE" in html
    assert 'data-status="created"' in html


def test_quick_filters_show_counts_and_filter(merchant_client, make_order):
    make_order("GOOD-1")
    make_order("GOOD-2")
    make_order("BAD-1", shippingAddress={**ADDRESS, "postCode": "ABC"})
    html = merchant_client.get("/orders/").content.decode()
    assert 'All <span class="chip-count">3</span>' in html
    assert 'Created <span class="chip-count">2</span>' in html
    assert 'Failed <span class="chip-count">1</span>' in html
    failed = merchant_client.get("/orders/?status=failed").content.decode()
    assert "BAD-1" in failed and "GOOD-1" not in failed
    assert 'class="chip tone-danger is-active"' in failed


def test_unknown_status_filter_is_ignored(merchant_client, make_order):
    make_order("GOOD-1")
    assert "GOOD-1" in merchant_client.get("/orders/?status=bogus").content.decode()


@pytest.mark.parametrize("query", ["REF-42", "ref-4", "Grace", "Grace Hopper", "hopper"])
def test_search_by_reference_or_name(merchant_client, make_order, query):
    make_order("REF-42", shippingAddress={**ADDRESS, "firstName": "Grace", "lastName": "Hopper"})
    make_order("OTHER-7")
    html = merchant_client.get("/orders/", {"q": query}).content.decode()
    assert "REF-42" in html and "OTHER-7" not in html


def test_search_by_order_id(merchant_client, make_order):
    wanted = make_order("WANTED")
    make_order("OTHER")
    html = merchant_client.get("/orders/", {"q": str(wanted.id)}).content.decode()
    assert "WANTED" in html and "OTHER" not in html


def test_search_without_match_says_so(merchant_client, make_order):
    make_order("REF-1")
    html = merchant_client.get("/orders/", {"q": "nothing-like-this", "status": "failed"}).content.decode()
    assert "No orders match" in html and "nothing-like-this" in html and "Clear filters" in html


def test_search_and_status_combine(merchant_client, make_order):
    make_order("A-GOOD")
    make_order("A-BAD", shippingAddress={**ADDRESS, "postCode": "ABC"})
    html = merchant_client.get("/orders/", {"q": "A-", "status": "failed"}).content.decode()
    assert "A-BAD" in html and "A-GOOD" not in html
    # Chip links keep the search and drop the page.
    assert 'href="/orders/?status=created&amp;q=A-"' in html


def test_htmx_gets_only_the_results(merchant_client, make_order):
    make_order("REF-1")
    response = merchant_client.get("/orders/", {"q": "REF", "status": ""}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "REF-1" in html and "<html" not in html and 'id="order-search"' not in html
    assert "HX-Request" in response["Vary"]


def test_pages(merchant_client, make_order):
    for n in range(PAGE_SIZE + 2):
        make_order(f"P-{n:03d}")
    first = merchant_client.get("/orders/").content.decode()
    assert "P-026" in first and "P-000" not in first
    assert "1–25 of 27" in first and 'href="/orders/?page=2"' in first
    second = merchant_client.get("/orders/?page=2").content.decode()
    assert "P-000" in second and "P-001" in second and "P-026" not in second


def test_detail_shows_the_order(merchant_client, make_order):
    order = make_order("REF-9", returnAddress={"companyName": "Acme Returns", "addressLine1": "Hafenstr. 2", "city": "Hamburg", "postCode": "20457", "country": "DE"})
    html = merchant_client.get(f"/orders/{order.id}/").content.decode()
    for text in ("REF-9", str(order.id), "flat_product_pf_a3_pt_200-gsm-uncoated_cl_4-0_ver", f"{factories.FILES}/print.pdf",
                 "Unter den Linden 1", "10117 Berlin", "Acme Returns", "Hafenstr. 2", 'data-status="pending"', "api"):
        assert text in html, text
    assert "Status changed from passed to created" in html
    assert "Order received via api with 1 item" in html
    assert "Cancel order" in html and "Edit shipping address" in html
    assert "Reprocess" not in html


def test_detail_shows_shipment(merchant_client, make_order):
    order = make_order("REF-9")
    order.refresh_from_db()
    html = merchant_client.get(f"/orders/{order.id}/").content.decode()
    assert order.shipment_method_uid
    assert (order.shipment_method_name or order.shipment_method_uid) in html
    assert f"{order.min_delivery_days}" in html and order.fulfillment_country in html


def test_failed_order_shows_its_problems_and_reprocess(merchant_client, make_order):
    order = make_order("BAD-1", shippingAddress={**ADDRESS, "postCode": "ABC"})
    html = merchant_client.get(f"/orders/{order.id}/").content.decode()
    assert "This order failed its checks" in html
    assert "The postal code is not valid for Germany" in html
    assert "The shipping address&#x27;s postal code:" in html and "shippingAddress.postCode" not in html
    assert f'action="/orders/{order.id}/reprocess/"' in html
