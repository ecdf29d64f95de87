"""Operators create and edit merchant accounts in the dashboard; merchants get 404 for all of it."""

import pytest

from platen.accounts.models import Account, Invitation
from platen.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_operator_creates_an_account_and_invites_its_first_login(operator_client):
    response = operator_client.post("/accounts/new/", {"name": "Poster Shop", "email": "hi@poster.test", "invite": "on"}, follow=True)
    page = response.content.decode()
    account = Account.objects.get(name="Poster Shop")
    assert "The account Poster Shop was created." in page and "hi@poster.test is invited" in page
    assert Invitation.objects.get(account=account).email == "hi@poster.test"
    assert OutboxMessage.objects.get(kind="invitation").to == "hi@poster.test"
    assert "Poster Shop" in operator_client.get("/accounts/").content.decode()


def test_account_form_refuses_bad_input_and_a_taken_name(operator_client, account):
    page = operator_client.post("/accounts/new/", {"name": "", "email": "nope"}).content.decode()
    assert "Enter the account&#x27;s name." in page and "is not an e-mail address" in page
    page = operator_client.post("/accounts/new/", {"name": "ACME PRINTS", "email": "x@acme.test"}).content.decode()
    assert "already exists" in page
    assert Account.objects.count() == 1 and not Invitation.objects.exists()


def test_operator_edits_an_account(operator_client, account, other_account):
    assert 'value="Acme Prints"' in operator_client.get(f"/accounts/{account.id}/").content.decode()
    refused = operator_client.post(f"/accounts/{account.id}/", {"name": "Other Shop", "email": "ops@acme.test"}).content.decode()
    assert "already exists" in refused
    operator_client.post(f"/accounts/{account.id}/", {"name": "Acme Print Co", "email": "billing@acme.test"})
    account.refresh_from_db()
    assert (account.name, account.email) == ("Acme Print Co", "billing@acme.test")


def test_operator_invites_a_login_from_the_account_page(operator_client, account):
    response = operator_client.post(f"/accounts/{account.id}/", {"action": "invite", "email": "new@acme.test"}, follow=True)
    assert "An invitation is on its way to new@acme.test" in response.content.decode()
    assert Invitation.objects.get().account == account


def test_merchants_get_404_for_account_management(merchant_client, account):
    assert merchant_client.get("/accounts/new/").status_code == 404
    assert merchant_client.post("/accounts/new/", {"name": "Mine", "email": "m@mine.test"}).status_code == 404
    assert merchant_client.get(f"/accounts/{account.id}/").status_code == 404
    assert merchant_client.post(f"/accounts/{account.id}/", {"name": "Renamed", "email": "r@acme.test"}).status_code == 404
    assert list(Account.objects.values_list("name", flat=True)) == ["Acme Prints"]
