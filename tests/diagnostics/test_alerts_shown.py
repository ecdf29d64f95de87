"""Open alerts where the merchant looks: the orders page and the store's page (sentence, what to do, the link to do
it, Dismiss), GET /v4/alerts; each account sees only its own, and a dismissed alert stays open but hidden."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from platen.diagnostics.models import Alert
from platen.diagnostics.services import alerts
from platen.kit.actors import Actor
from platen.stores.services import connections
from platen.stores.statuses import StoreStatus
from tests.dashboard.conftest import merchant, merchant_client, operator, operator_client, other_merchant  # noqa: F401
from tests.stores import factories

pytestmark = pytest.mark.django_db
TESTS = Actor.system("tests")
FAILURES = ("3 of today's 10 orders failed (30%), against 0% over the previous 7 days. What to do: Open the failed "
            "orders to see why each failed.")


@pytest.fixture
def shop(account):
    return factories.store(account, name="Acme Posters")


@pytest.fixture
def refused(shop) -> Alert:
    """The store refused Platen's token: a store sync alert, as the real hook and sweep open it."""
    connections.change_status(shop, StoreStatus.AUTH_FAILED, TESTS, reason="Shopify refused Platen's access token.")
    alerts.sweep()
    return Alert.objects.get(kind="store_sync_alert")


def failure_rate(account) -> Alert:
    return Alert.objects.create(account=account, kind="failure_rate", key="failure_rate", message=FAILURES,
                                opened_at=timezone.now(), details={"failedToday": 3, "ordersToday": 10})


def test_the_orders_page_and_the_store_page_show_the_sentence_what_to_do_and_the_fix(merchant_client, shop, refused):
    failure_rate(shop.account)
    orders = merchant_client.get("/orders/").content.decode()
    assert orders.count('data-testid="alert"') == 2 and "2 things need your attention" in orders
    assert "Shopify refused Platen&#x27;s access token for your store Acme Posters" in orders
    assert "What to do: Copy a new access token" in orders
    assert f'href="/stores/{shop.pk}/#reconnect" data-testid="alert-fix">Reconnect the store</a>' in orders
    assert 'href="/orders/?status=failed" data-testid="alert-fix">Open the failed orders</a>' in orders
    store_page = merchant_client.get(f"/stores/{shop.pk}/").content.decode()
    # The store page says it once, in its own section with the Reconnect form, not again as an alert.
    assert store_page.count('data-testid="alert"') == 0 and 'data-testid="auth-failed"' in store_page


def test_dismissing_hides_it_keeps_it_open_and_goes_back(merchant_client, shop, refused):
    answer = merchant_client.post(f"/alerts/{refused.pk}/dismiss/", {"next": f"/stores/{shop.pk}/"})
    assert answer.status_code == 302 and answer["Location"] == f"/stores/{shop.pk}/"
    refused.refresh_from_db()
    assert refused.dismissed_at is not None and refused.dismissed_by == "merchant@acme.test"
    assert refused.resolved_at is None  # still open: the next sweep does not open (and e-mail) it again
    alerts.sweep()
    assert Alert.objects.count() == 1
    assert 'data-testid="alert"' not in merchant_client.get(f"/stores/{shop.pk}/").content.decode()
    again = merchant_client.post(f"/alerts/{refused.pk}/dismiss/")
    assert again.status_code == 404


def test_a_dismissal_goes_back_only_to_this_site(merchant_client, refused):
    answer = merchant_client.post(f"/alerts/{refused.pk}/dismiss/", {"next": "https://elsewhere.test/"})
    assert answer["Location"] == "/orders/"


def test_another_account_neither_sees_nor_dismisses_them(shop, refused, other_account, other_merchant, client):
    client.force_login(other_merchant)
    assert 'data-testid="alert"' not in client.get("/orders/").content.decode()
    assert client.post(f"/alerts/{refused.pk}/dismiss/").status_code == 404
    assert Alert.objects.get().dismissed_at is None


def test_operators_see_every_account_s_alerts_with_the_account(operator_client, shop, refused):
    html = operator_client.get("/orders/").content.decode()
    assert 'data-testid="alert"' in html and "(Acme Prints)" in html


def test_the_api_lists_the_account_s_open_alerts(api, other_api, shop, refused):
    failure = failure_rate(shop.account)
    body = api.get("/v4/alerts").json()
    assert [a["kind"] for a in body["alerts"]] == ["failure_rate", "store_sync_alert"]
    opened_at = datetime.fromisoformat(body["alerts"][0].pop("openedAt"))
    assert abs(opened_at - failure.opened_at) < timedelta(milliseconds=1)
    assert body["alerts"][0] == {
        "id": str(failure.pk), "kind": "failure_rate", "storeId": None,
        "message": "3 of today's 10 orders failed (30%), against 0% over the previous 7 days.",
        "whatToDo": "Open the failed orders to see why each failed.",
        "fix": {"label": "Open the failed orders", "href": "/orders/?status=failed"},
        "details": {"failedToday": 3, "ordersToday": 10}}
    by_store = api.get(f"/v4/alerts?storeId={shop.pk}").json()["alerts"]
    assert [(a["kind"], a["storeId"], a["fix"]["href"]) for a in by_store] == [
        ("store_sync_alert", str(shop.pk), f"/stores/{shop.pk}/#reconnect")]
    assert other_api.get("/v4/alerts").json() == {"alerts": []}
    assert other_api.get(f"/v4/alerts?storeId={shop.pk}").status_code == 404
    alerts.dismiss(shop.account, failure.pk, TESTS)
    assert [a["kind"] for a in api.get("/v4/alerts").json()["alerts"]] == ["store_sync_alert"]


def test_the_openapi_document_has_the_alerts(api):
    schema = api.get("/v4/openapi.json").json()
    assert "/v4/alerts" in schema["paths"] and "AlertOut" in schema["components"]["schemas"]
