"""Login, logout, and who may see what: merchants their own account, operators everything, 404 for the rest."""

import uuid

import pytest
from django.test import Client

from platen.accounts import services as accounts
from platen.intake.models import IntakeRequest
from platen.orders.statuses import Fulfillment
from tests.dashboard.conftest import PASSWORD, order_body

pytestmark = pytest.mark.django_db


SOME_ID = "3f2b8c1e-5d4a-4e6b-9a7c-0d1e2f3a4b5c"  # fixed: test ids must be the same in every xdist worker


@pytest.mark.parametrize("path", [
    "/orders/", f"/orders/{SOME_ID}/", f"/orders/{SOME_ID}/address/", "/requests/", f"/requests/{SOME_ID}/",
])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_actions_need_a_login(client, make_order):
    order = make_order()
    for action in ("cancel", "reprocess", "address"):
        response = client.post(f"/orders/{order.id}/{action}/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    order.refresh_from_db()
    assert order.fulfillment_status == Fulfillment.CREATED


def test_login_page_and_login(client, merchant):
    page = client.get("/login/")
    assert page.status_code == 200 and b"Log in" in page.content
    response = client.post("/login/", {"username": merchant.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/orders/"
    assert client.get("/orders/").status_code == 200


def test_wrong_password_says_so(client, merchant):
    response = client.post("/login/", {"username": merchant.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content


def test_login_follows_next(client, merchant):
    response = client.post("/login/", {"username": merchant.username, "password": PASSWORD, "next": "/requests/"})
    assert response["Location"] == "/requests/"


def test_logout(merchant_client):
    response = merchant_client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert merchant_client.get("/orders/").status_code == 302


def test_layout_shows_account_and_navigation(merchant_client):
    html = merchant_client.get("/orders/").content.decode()
    assert "Acme Prints" in html
    assert 'href="/orders/" class="is-active" aria-current="page">Orders' in html
    assert 'href="/requests/">Requests' in html
    assert "Log out" in html


def test_merchant_sees_only_own_orders(merchant_client, make_order, other_api):
    make_order("MINE-1")
    make_order("THEIRS-1", client=other_api)
    html = merchant_client.get("/orders/").content.decode()
    assert "MINE-1" in html and "THEIRS-1" not in html
    # Search cannot reach another account either.
    assert "THEIRS-1" not in merchant_client.get("/orders/?q=THEIRS").content.decode()


def test_other_accounts_order_is_not_found(merchant_client, make_order, other_api):
    theirs = make_order("THEIRS-1", client=other_api)
    for path in (f"/orders/{theirs.id}/", f"/orders/{theirs.id}/address/"):
        response = merchant_client.get(path)
        assert response.status_code == 404
        assert b"We could not find that page" in response.content
    for action in ("cancel", "reprocess", "address"):
        assert merchant_client.post(f"/orders/{theirs.id}/{action}/", {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.fulfillment_status == Fulfillment.CREATED


def test_unknown_order_is_not_found(merchant_client):
    assert merchant_client.get(f"/orders/{uuid.uuid4()}/").status_code == 404
    assert merchant_client.get("/orders/not-a-uuid/").status_code == 404


def test_merchant_sees_only_own_requests(merchant_client, make_order, other_api):
    make_order("MINE-1")
    make_order("THEIRS-1", client=other_api)
    mine = IntakeRequest.objects.get(order__order_reference_id="MINE-1")
    theirs = IntakeRequest.objects.get(order__order_reference_id="THEIRS-1")
    html = merchant_client.get("/requests/").content.decode()
    assert f"/requests/{mine.id}/" in html and f"/requests/{theirs.id}/" not in html
    assert merchant_client.get(f"/requests/{theirs.id}/").status_code == 404
    assert merchant_client.get(f"/requests/{mine.id}/").status_code == 200


def test_operator_sees_every_account(operator_client, make_order, other_api):
    mine = make_order("MINE-1")
    theirs = make_order("THEIRS-1", client=other_api)
    html = operator_client.get("/orders/").content.decode()
    assert "MINE-1" in html and "THEIRS-1" in html
    assert "Acme Prints" in html and "Other Shop" in html  # the account column
    assert "All accounts" in html
    assert operator_client.get(f"/orders/{theirs.id}/").status_code == 200
    assert operator_client.get(f"/orders/{mine.id}/").status_code == 200
    requests_html = operator_client.get("/requests/").content.decode()
    assert "Acme Prints" in requests_html and "Other Shop" in requests_html


def test_operator_acts_on_any_account(operator_client, make_order, other_api):
    theirs = make_order("THEIRS-1", client=other_api)
    operator_client.post(f"/orders/{theirs.id}/cancel/", {"reason": "Fraud check"})
    theirs.refresh_from_db()
    assert theirs.fulfillment_status == Fulfillment.CANCELED
    assert theirs.events.filter(type="cancel_requested", actor_kind="user", actor_label="operator@platen.test").exists()


def test_merchant_login_without_account_sees_nothing(db, make_order):
    make_order("MINE-1")
    user = accounts.create_user(None, "lost@nowhere.test", PASSWORD)
    client = Client()
    client.force_login(user)
    response = client.get("/orders/")
    assert response.status_code == 403
    assert b"not linked to an account" in response.content and b"MINE-1" not in response.content


def test_missing_page_uses_the_dashboard_404(merchant_client):
    response = merchant_client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_api_stays_json(merchant_client, api):
    # The dashboard's routes must not shadow the API's.
    assert api.post("/v4/orders", order_body()).status_code == 200
    response = merchant_client.get("/v4/orders/x")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")  # JSON, not a dashboard page


def test_server_error_page_renders_without_context(rf):
    from platen.dashboard.views import server_error

    response = server_error(rf.get("/orders/"))
    assert response.status_code == 500 and b"Something went wrong on our side" in response.content


def test_expired_session_during_htmx_swap_reloads_to_login(client):
    response = client.get("/orders/?status=failed", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/?next=/orders/%3Fstatus%3Dfailed"
