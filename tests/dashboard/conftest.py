"""Dashboard fixtures: logins for a merchant, another merchant and an operator, orders made through the API, and a
print partner with a facility."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction
from django.test import Client

from platen.accounts import services as accounts
from platen.kit.actors import Actor
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from platen.orders.transitions import transition_items
from tests.orders import factories
from tests.production import factories as production_factories

PASSWORD = "correct horse battery staple"
POSTER = "flat_product_pf_a3_pt_200-gsm-uncoated_cl_4-0_ver"  # the file server's print.pdf is an A3 page with bleed
ADDRESS = {
    "firstName": "Ada", "lastName": "Lovelace", "addressLine1": "Unter den Linden 1", "city": "Berlin",
    "postCode": "10117", "country": "DE", "email": "ada@example.com", "phone": "+49 30 123456",
}
_refs = itertools.count(1)


def order_body(reference: str | None = None, **changes) -> dict:
    body = {
        "orderReferenceId": reference or f"ORD-{next(_refs):04d}",
        "customerReferenceId": "customer-1",
        "currency": "EUR",
        "items": [{"itemReferenceId": "item-1", "productUid": POSTER, "quantity": 2,
                   "files": [{"type": "default", "url": f"{factories.FILES}/print.pdf"}]}],
        "shippingAddress": dict(ADDRESS),
    }
    body.update(changes)
    return body


@pytest.fixture
def merchant(account):
    return accounts.create_user(account, "merchant@acme.test", PASSWORD)


@pytest.fixture
def other_merchant(other_account):
    return accounts.create_user(other_account, "merchant@other.test", PASSWORD)


@pytest.fixture
def operator(db):
    return accounts.create_user(None, "operator@platen.test", PASSWORD, operator=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def merchant_client(merchant) -> Client:
    return _client_for(merchant)


@pytest.fixture
def operator_client(operator) -> Client:
    return _client_for(operator)


@pytest.fixture
def make_order(api, settle):
    """Create an order for `account` through the real API and let its checks run; returns the Order."""

    def make(reference: str | None = None, client=None, **changes) -> Order:
        response = (client or api).post("/v4/orders", order_body(reference, **changes))
        assert response.status_code == 200, response.content
        settle()
        return Order.objects.get(pk=response.json()["id"])

    return make


@pytest.fixture
def partner():
    """A print partner (its pages: tests/dashboard/test_production_*)."""
    return production_factories.partner("Printwerk")


@pytest.fixture
def facility(partner):
    return production_factories.facility(owner=partner, name="Printwerk Berlin")


def move_to_printed(order: Order) -> None:
    """Walk the items through production the way the production domain will, one allowed move at a time."""
    path = [Fulfillment.CREATED, Fulfillment.IN_PRODUCTION, Fulfillment.PRINTED]
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.fulfillment_status in path:
            path = path[path.index(order.fulfillment_status) + 1:]
        for status in path:
            transition_items(order, list(order.items.all()), status, Actor.system("production"))
