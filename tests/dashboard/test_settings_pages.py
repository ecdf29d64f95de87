"""Settings pages with Django's client: API keys, users and invitations (e-mailed through a real SMTP
server), going back to automatic approval, and other accounts' keys and logins (404)."""

import re

import pytest
from django.contrib.auth import get_user
from django.test import Client

from platen.accounts import invitations
from platen.accounts import services as accounts
from platen.accounts.models import ApiKey, Invitation, User
from platen.kit.hashedkeys import hash_key
from platen.notifications.models import OutboxMessage
from platen.orders.models import OrderEvent
from platen.orders.statuses import Fulfillment
from tests.dashboard.conftest import PASSWORD
from tests.emulators.smtp import SmtpServer, smtp_settings
from tests.notifications.conftest import drive

pytestmark = pytest.mark.django_db


def test_new_key_is_shown_once_then_listed_by_name_and_prefix(merchant_client, account, anonymous_api):
    response = merchant_client.post("/settings/keys/", {"name": "Shop backend"}, follow=True)
    page = response.content.decode()
    secret = re.search(r'id="new-key-value"[^>]*>(plk_[^<]+)<', page).group(1)
    key = ApiKey.objects.get(account=account, name="Shop backend")
    assert hash_key(secret) == key.key_hash
    assert anonymous_api.get("/v4/account", headers={"X-API-KEY": secret}).status_code == 200
    again = merchant_client.get("/settings/keys/").content.decode()
    assert secret not in again and f"plk_{key.prefix}_…" in again and "Shop backend" in again
    assert secret not in str(merchant_client.session.items())


def test_a_key_needs_a_name(merchant_client, account):
    page = merchant_client.post("/settings/keys/", {"name": "  "}).content.decode()
    assert "Give the key a name" in page and not ApiKey.objects.filter(account=account).exists()


def test_revoke_asks_first_then_refuses_the_key(merchant_client, account, anonymous_api):
    issued = accounts.issue_api_key(account, "Old")
    url = f"/settings/keys/{issued.api_key.pk}/revoke/"
    confirm = merchant_client.get(url).content.decode()
    assert "Revoke the key “Old”?" in confirm and ApiKey.objects.get(pk=issued.api_key.pk).is_active
    page = merchant_client.post(url, follow=True).content.decode()
    assert "is revoked" in page and "badge tone-muted\">revoked" in page
    assert anonymous_api.get("/v4/account", headers={"X-API-KEY": issued.secret}).status_code == 401


def test_other_accounts_keys_and_logins_are_not_found(merchant_client, other_account, other_merchant):
    theirs = accounts.issue_api_key(other_account, "Theirs")
    invitation = invitations.invite(other_account, "invited@other.test", None)
    assert merchant_client.get(f"/settings/keys/{theirs.api_key.pk}/revoke/").status_code == 404
    assert merchant_client.post(f"/settings/keys/{theirs.api_key.pk}/revoke/").status_code == 404
    assert merchant_client.get(f"/settings/users/{other_merchant.pk}/remove/").status_code == 404
    assert merchant_client.post(f"/settings/users/{other_merchant.pk}/remove/").status_code == 404
    assert merchant_client.post(f"/settings/invitations/{invitation.pk}/withdraw/").status_code == 404
    keys_page = merchant_client.get("/settings/keys/").content.decode()
    users_page = merchant_client.get("/settings/users/").content.decode()
    assert "Theirs" not in keys_page and "merchant@other.test" not in users_page and "invited@other.test" not in users_page
    assert ApiKey.objects.get(pk=theirs.api_key.pk).is_active and User.objects.filter(pk=other_merchant.pk).exists()
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_invitation_email_through_smtp_and_the_link_makes_a_login(merchant_client, merchant, account):
    with SmtpServer() as server, smtp_settings(server):
        response = merchant_client.post("/settings/users/", {"email": "colleague@acme.test"}, follow=True)
        assert "An invitation is on its way to colleague@acme.test" in response.content.decode()
        drive()
        delivered = server.wait_for(1)[0]
    assert delivered.rcpt_tos == ["colleague@acme.test"] and delivered.subject == "You are invited to Acme Prints on Platen"
    text = delivered.part("text/plain")
    link = re.search(r"https?://\S+/invitations/(\w+)/", text)
    assert link and "merchant@acme.test invites you" in text and link.group(0) in delivered.part("text/html")
    kept = OutboxMessage.objects.get(kind="invitation")
    assert kept.status == "sent" and link.group(1) not in kept.body_text + kept.body_html
    assert "this copy leaves it out" in kept.body_text
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]

    visitor = Client()
    assert "Join Acme Prints" in visitor.get(f"/{path}").content.decode()
    mismatch = visitor.post(f"/{path}", {"password": PASSWORD, "password2": "other"}).content.decode()
    assert "The two passwords differ" in mismatch and not User.objects.filter(username="colleague@acme.test").exists()
    response = visitor.post(f"/{path}", {"password": PASSWORD, "password2": PASSWORD}, follow=True)
    assert "Welcome to Acme Prints" in response.content.decode()
    user = get_user(visitor)
    assert user.is_authenticated and user.username == "colleague@acme.test" and user.account_id == account.pk
    used = Client().get(f"/{path}")
    assert used.status_code == 404 and "already used" in used.content.decode()
    assert "colleague@acme.test" in merchant_client.get("/settings/users/").content.decode()


def test_invite_refuses_a_bad_address(merchant_client):
    page = merchant_client.post("/settings/users/", {"email": "not an address"}).content.decode()
    assert "is not an e-mail address" in page and not Invitation.objects.exists()


def test_remove_a_login_but_not_yourself(merchant_client, merchant, account):
    colleague = accounts.create_user(account, "colleague@acme.test", PASSWORD)
    page = merchant_client.get("/settings/users/").content.decode()
    assert f"/settings/users/{colleague.pk}/remove/" in page and f"/settings/users/{merchant.pk}/remove/" not in page
    refused = merchant_client.post(f"/settings/users/{merchant.pk}/remove/", follow=True).content.decode()
    assert "cannot remove your own login" in refused
    removed = merchant_client.post(f"/settings/users/{colleague.pk}/remove/", follow=True).content.decode()
    assert "colleague@acme.test can no longer log in" in removed
    assert list(User.objects.filter(account=account)) == [merchant]


def test_back_to_automatic_asks_then_releases_waiting_orders(merchant_client, account, make_order, settle):
    accounts.set_approval(account, "manual", None)
    waiting = [make_order(f"WAIT-{n}") for n in range(3)]
    assert {o.fulfillment_status for o in waiting} == {Fulfillment.PENDING_APPROVAL}
    asked = merchant_client.post("/settings/", {"approval_mode": "automatic", "approval_delay_hours": "24"}).content.decode()
    assert "3 orders are waiting for your approval." in asked and "Release them to production now?" in asked
    account.refresh_from_db()
    assert account.approval_mode == "manual"

    done = merchant_client.post("/settings/", {"approval_mode": "automatic", "approval_delay_hours": "24", "release": "yes"}, follow=True)
    assert "3 waiting orders went to production" in done.content.decode()
    account.refresh_from_db()
    assert account.approval_mode == "automatic"
    for order in waiting:
        order.refresh_from_db()
        assert order.fulfillment_status == Fulfillment.CREATED
        assert OrderEvent.objects.filter(order=order, type="approved", actor_label="merchant@acme.test").exists()


def test_back_to_automatic_can_keep_orders_waiting(merchant_client, account, make_order):
    accounts.set_approval(account, "delayed", 12)
    order = make_order("KEEP-1")
    merchant_client.post("/settings/", {"approval_mode": "automatic", "approval_delay_hours": "12", "release": "no"})
    account.refresh_from_db()
    order.refresh_from_db()
    assert account.approval_mode == "automatic" and order.fulfillment_status == Fulfillment.PENDING_APPROVAL


def test_back_to_automatic_without_waiting_orders_saves_at_once(merchant_client, account):
    accounts.set_approval(account, "manual", None)
    response = merchant_client.post("/settings/", {"approval_mode": "automatic", "approval_delay_hours": "24"}, follow=True)
    assert "Settings saved" in response.content.decode()
    account.refresh_from_db()
    assert account.approval_mode == "automatic"


def test_operators_see_no_merchant_settings_sections(operator_client):
    for path in ("/settings/", "/settings/keys/", "/settings/users/"):
        page = operator_client.get(path).content.decode()
        assert "Operators have no account of their own" in page
    assert operator_client.post("/settings/keys/", {"name": "x"}).status_code == 200
    assert not ApiKey.objects.exists()
