"""Settings (approval mode), approve/reject on the order page, and operators holding accounts."""

import pytest

from platen.accounts import services as accounts
from platen.accounts.models import Account
from platen.orders.statuses import Fulfillment

pytestmark = pytest.mark.django_db


def test_merchant_sets_the_approval_mode(merchant_client, account):
    page = merchant_client.get("/settings/").content.decode()
    assert 'data-testid="approval-settings"' in page and 'value="automatic" checked' in page
    response = merchant_client.post("/settings/", {"approval_mode": "delayed", "approval_delay_hours": "12"}, follow=True)
    assert "Settings saved" in response.content.decode()
    account.refresh_from_db()
    assert (account.approval_mode, account.approval_delay_hours) == ("delayed", 12)


def test_settings_refuse_a_delay_out_of_range(merchant_client, account):
    page = merchant_client.post("/settings/", {"approval_mode": "delayed", "approval_delay_hours": "100"}).content.decode()
    assert "from 6 to 72" in page
    account.refresh_from_db()
    assert account.approval_mode == "automatic"


def test_approve_and_reject_from_the_order_page(merchant_client, account, make_order):
    accounts.set_approval(account, "manual", None)
    first, second = make_order("APPROVE-ME"), make_order("REJECT-ME")
    page = merchant_client.get(f"/orders/{first.id}/").content.decode()
    assert "Approve" in page and "Reject…" in page
    merchant_client.post(f"/orders/{first.id}/approve/")
    merchant_client.post(f"/orders/{second.id}/reject/", {"reason": "duplicate"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.fulfillment_status, second.fulfillment_status) == (Fulfillment.CREATED, Fulfillment.CANCELED)
    page = merchant_client.get(f"/orders/{first.id}/").content.decode()
    assert "Approve</button>" not in page


def test_operator_holds_and_releases_an_account(operator_client, account, make_order, settle):
    response = operator_client.post(f"/accounts/{account.id}/hold/", {"reason": "Unpaid invoices."}, follow=True)
    assert "is on hold" in response.content.decode()
    held = make_order("HELD-1")
    assert held.fulfillment_status == Fulfillment.ON_HOLD
    assert "Unpaid invoices." in operator_client.get("/accounts/").content.decode()
    response = operator_client.post(f"/accounts/{account.id}/release/", follow=True)
    assert "1 held order(s) resume" in response.content.decode()
    settle()
    held.refresh_from_db()
    assert held.fulfillment_status == Fulfillment.CREATED
    assert not Account.objects.get(pk=account.pk).on_hold


def test_merchants_cannot_see_or_use_the_accounts_page(merchant_client, account):
    assert merchant_client.get("/accounts/").status_code == 404
    assert merchant_client.post(f"/accounts/{account.id}/hold/").status_code == 404
    assert not Account.objects.get(pk=account.pk).on_hold
