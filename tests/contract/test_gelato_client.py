"""An existing third-party client of the original API (mcp-server-gelato 0.1.0, its GelatoClient and its own
pydantic models), pointed at `platen web` by base URL and key and used unchanged: every call must succeed.

The client treats any status but 200 as a failure and retries up to `max_retries` times, so a create that
answered 201 would make four orders: the test keeps its default retries and counts the orders on the server.
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from src.client.gelato_client import GelatoClient
from src.config import Settings
from src.models.common import ReturnAddress, ShippingAddress
from src.models.orders import CreateOrderFile, CreateOrderItem, CreateOrderRequest, SearchOrdersParams
from src.models.products import SearchProductsRequest

from tests.contract.test_order_api import settle_and_print
from tests.orders import factories
from tests.orders.factories import BERLIN, POSTER, TSHIRT

RETURN_ADDRESS = {"companyName": "Acme Prints Returns", "addressLine1": "Hauptstrasse 5", "city": "Hamburg",
                  "postCode": "20095", "country": "DE", "email": "returns@acme.test"}


BILLING_DETAILS = """
from platen.accounts.models import Account, BillingEntity
BillingEntity.objects.update_or_create(account=Account.objects.get(name="Contract Shop"), defaults=dict(
    company_name="Contract Shop GmbH", recipient_name="Accounts payable", address_line1="Torstrasse 1",
    city="Berlin", post_code="10119", country="DE", email="billing@contract.test"))
"""


class DatesAsJson(SearchOrdersParams):
    """Their bug: search_orders sends `model_dump()`, whose datetimes httpx cannot encode (the call fails before
    it leaves, then is retried). The smallest fix: the same params, dumped as JSON text."""

    def model_dump(self, **kwargs):
        return super().model_dump(mode="json", **kwargs)


def with_client(web, scenario):
    """Run one async scenario with a fresh GelatoClient whose every base URL is the Platen server."""
    # Every setting given, so no environment variable (it reads TIMEOUT, DEBUG, ... too) changes the client;
    # max_retries is its default: a success other than 200 would be sent four times.
    settings = Settings(_env_file=None, gelato_base_url=web.url, gelato_product_url=web.url,
                        gelato_shipment_url=web.url, gelato_ecommerce_url=web.url, gelato_api_key=web.key,
                        max_retries=3, timeout=30, debug=False)

    async def run():
        async with GelatoClient(web.key, settings) as client:
            return await scenario(client)

    # In a thread of its own: the browser tests' Playwright may already run an event loop in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, run()).result()


def orders_with_reference(web, reference: str) -> int:
    return int(web.python(f"from platen.orders.models import Order\n"
                          f"print(Order.objects.filter(order_reference_id={reference!r}).count())"))


def order_request(reference: str) -> CreateOrderRequest:
    files = factories.FILES  # the loopback file server's address, set by the file_server fixture
    return CreateOrderRequest(
        orderReferenceId=reference, customerReferenceId="customer-gelato", currency="EUR",
        items=[CreateOrderItem(itemReferenceId="poster-1", productUid=POSTER, quantity=2,
                               files=[CreateOrderFile(type="default", url=f"{files}/print.pdf")]),
               CreateOrderItem(itemReferenceId="shirt-1", productUid=TSHIRT, quantity=1,
                               files=[CreateOrderFile(type="front", url=f"{files}/print.png")])],
        shippingAddress=ShippingAddress(**BERLIN), shipmentMethodUid="standard",
        returnAddress=ReturnAddress(**RETURN_ADDRESS))


def test_catalogs_products_prices_stock_and_shipment_methods(web):
    async def scenario(client: GelatoClient):
        catalogs = await client.list_catalogs()
        raw = httpx.get(f"{web.url}/v3/catalogs", headers=web.headers).json()
        assert len(catalogs) == len(raw) >= 2  # the client skips entries it cannot read: none may be skipped
        posters = await client.get_catalog("posters")
        assert posters.catalogUid == "posters" and posters.productAttributes

        everything = await client.search_products("posters", SearchProductsRequest(limit=100))
        assert everything.products
        product = next(p for p in everything.products if p.productUid == POSTER)
        attribute, value = next(iter(product.attributes.items()))
        filtered = await client.search_products(
            "posters", SearchProductsRequest(attributeFilters={attribute: [value]}, limit=100))
        assert POSTER in {p.productUid for p in filtered.products}
        assert all(p.attributes[attribute] == value for p in filtered.products)
        assert len(filtered.products) == everything.hits.attributeHits[attribute][value]

        detail = await client.get_product(POSTER)
        assert detail.productUid == POSTER and detail.isPrintable and "DE" in detail.supportedCountries
        prices = await client.get_product_prices(POSTER, country="DE", currency="EUR")
        assert prices and all(p.productUid == POSTER and p.country == "DE" and p.price > 0 for p in prices)
        every_price = await client.get_product_prices(POSTER)  # no filter: every row still names its country
        assert {p.country for p in every_price} == set(detail.supportedCountries)

        stock = await client.check_stock_availability([POSTER, TSHIRT])
        assert [p.productUid for p in stock.productsAvailability] == [POSTER, TSHIRT]
        assert all(p.availability for p in stock.productsAvailability)

        everywhere = await client.list_shipment_methods()
        to_germany = await client.list_shipment_methods("DE")
        assert to_germany.shipmentMethods and len(to_germany.shipmentMethods) <= len(everywhere.shipmentMethods)
        assert all("DE" in m.supportedCountries for m in to_germany.shipmentMethods)

    with_client(web, scenario)


def test_create_once_read_search_and_cancel(web):
    reference = f"gelato-{uuid.uuid4().hex[:12]}"

    async def create(client: GelatoClient):
        return await client.create_order(order_request(reference))

    created = with_client(web, create)
    assert orders_with_reference(web, reference) == 1  # one create, one order (no retry of a "failed" 201)
    assert created.orderReferenceId == reference and created.orderType == "order"
    assert [i.itemReferenceId for i in created.items] == ["poster-1", "shirt-1"]
    assert created.returnAddress.companyName == RETURN_ADDRESS["companyName"]

    settle_and_print(web, created.id)  # the worker checks the order and fetches its files; production prints it

    async def read_and_search(client: GelatoClient):
        order = await client.get_order(created.id)
        found = await client.search_orders(SearchOrdersParams(orderReferenceIds=[reference]))
        by_text = await client.search_orders(SearchOrdersParams(search=reference, countries=["DE"],
                                                                orderTypes=["order"], limit=10))
        now = datetime.now(UTC)
        by_date = await client.search_orders(DatesAsJson(orderReferenceIds=[reference], startDate=now - timedelta(hours=1),
                                                         endDate=now + timedelta(hours=1)))
        return order, found, by_text, by_date

    order, found, by_text, by_date = with_client(web, read_and_search)
    assert order.fulfillmentStatus == "printed"
    assert order.shipment.shipmentMethodUid and order.shipment.packagesCount == 1
    [receipt] = order.receipts
    assert receipt.totalInclVat == pytest.approx(float(order.totalInclVat)) and receipt.totalInclVat > 0
    assert all(i.processedFileUrl and i.previews for i in order.items)  # files fetched, checked and previewed
    assert order.returnAddress.model_dump(exclude_none=True) == RETURN_ADDRESS
    [summary] = found.orders
    assert (summary.id, summary.customerReferenceId, summary.itemsCount) == (created.id, "customer-gelato", 2)
    assert summary.totalInclVat == order.totalInclVat
    assert [o.id for o in by_text.orders] == [created.id] == [o.id for o in by_date.orders]
    assert order.billingEntity is None  # the account has given no billing details yet

    web.python(BILLING_DETAILS)
    billed = with_client(web, lambda client: client.get_order(created.id))
    assert (billed.billingEntity.companyName, billed.billingEntity.country) == ("Contract Shop GmbH", "DE")

    # The client has no cancel method: cancel as the original's documentation shows, then read back through it.
    canceled_reference = f"gelato-{uuid.uuid4().hex[:12]}"
    to_cancel = with_client(web, lambda client: client.create_order(order_request(canceled_reference)))
    answer = httpx.post(f"{web.url}/v4/orders/{to_cancel.id}:cancel", headers=web.headers)
    assert answer.status_code == 200
    canceled = with_client(web, lambda client: client.get_order(to_cancel.id))
    assert canceled.fulfillmentStatus == "canceled" and orders_with_reference(web, canceled_reference) == 1


def test_a_draft_is_created_once(web):
    reference = f"gelato-{uuid.uuid4().hex[:12]}"
    request = order_request(reference).model_copy(update={"orderType": "draft"})
    draft = with_client(web, lambda client: client.create_order(request))
    assert (draft.orderType, draft.fulfillmentStatus) == ("draft", "draft")
    assert orders_with_reference(web, reference) == 1
