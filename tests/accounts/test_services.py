"""Accounts, logins, keys and invitations as services: validation, scoping, single-use links, the last login."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from platen.accounts import invitations, services, users
from platen.accounts.models import Account, ApiKey, Invitation, User
from platen.accounts.tokens import invitation_token, token_hash
from platen.kit.errors import Conflict, InvalidRequest, NotFound
from platen.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_create_account_validates_and_refuses_a_taken_name(account):
    with pytest.raises(InvalidRequest) as bad:
        services.create_account("  ", "not-an-address")
    assert {d.field for d in bad.value.details} == {"name", "email"}
    with pytest.raises(Conflict) as taken:
        services.create_account("acme   prints", "new@acme.test")
    assert "already exists" in taken.value.message and taken.value.details[0].field == "name"
    created = services.create_account(" Poster  Shop ", "Hi@Poster.TEST")
    assert (created.name, created.email) == ("Poster Shop", "Hi@poster.test")
    assert Account.objects.count() == 2


def test_update_account_keeps_its_own_name_and_refuses_another(account, other_account):
    services.update_account(account.pk, "Acme Prints", "billing@acme.test")
    account.refresh_from_db()
    assert account.email == "billing@acme.test"
    with pytest.raises(Conflict):
        services.update_account(account.pk, "Other Shop", "billing@acme.test")
    with pytest.raises(NotFound):
        services.update_account("00000000-0000-0000-0000-000000000000", "X", "x@x.test")


def test_create_user_refuses_duplicates_bad_addresses_and_short_passwords(account):
    services.create_user(account, "merchant@acme.test", PASSWORD)
    with pytest.raises(Conflict):
        services.create_user(account, "Merchant@ACME.test", PASSWORD)
    with pytest.raises(InvalidRequest) as bad_email:
        services.create_user(account, "merchant@", PASSWORD)
    assert bad_email.value.details[0].field == "username"
    with pytest.raises(InvalidRequest) as short:
        services.create_user(account, "second@acme.test", "short")
    assert short.value.details[0].field == "password" and "too short" in short.value.details[0].message
    assert User.objects.count() == 1


def test_keys_are_listed_per_account_and_revoked_only_by_their_account(account, other_account):
    mine = services.issue_api_key(account, "Shop backend")
    theirs = services.issue_api_key(other_account, "Their backend")
    assert [k.name for k in services.api_keys(account)] == ["Shop backend"]
    with pytest.raises(NotFound):
        services.revoke_key_of(account, theirs.api_key.pk)
    assert services.authenticate_key(theirs.secret) is not None
    services.revoke_key_of(account, mine.api_key.pk)
    assert services.authenticate_key(mine.secret) is None
    assert ApiKey.objects.get(pk=mine.api_key.pk).revoked_at is not None


def test_key_names_are_limited(account):
    with pytest.raises(InvalidRequest):
        services.issue_api_key(account, "x" * 101)


def test_remove_login_never_yourself_never_the_last_one_never_another_accounts(account, other_account):
    first = services.create_user(account, "first@acme.test", PASSWORD)
    second = services.create_user(account, "second@acme.test", PASSWORD)
    stranger = services.create_user(other_account, "someone@other.test", PASSWORD)
    with pytest.raises(Conflict, match="your own login"):
        users.remove_login(account, first.pk, by=first)
    with pytest.raises(NotFound):
        users.remove_login(account, stranger.pk, by=first)
    users.remove_login(account, second.pk, by=first)
    assert list(users.logins(account)) == [first]
    operator = services.create_user(None, "operator@platen.test", PASSWORD, operator=True)
    with pytest.raises(Conflict, match="last login"):
        users.remove_login(account, first.pk, by=operator)


def test_invitation_stores_only_the_token_hash_and_queues_an_email_without_the_link(account):
    inviter = services.create_user(account, "owner@acme.test", PASSWORD)
    invitation = invitations.invite(account, " New.Person@ACME.test ", inviter)
    token = invitation_token(invitation.pk)
    assert invitation.email == "New.Person@acme.test"
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    message = OutboxMessage.objects.get()
    assert (message.kind, message.to, message.account_id) == ("invitation", "New.Person@acme.test", account.pk)
    assert token not in str(message.context)


def test_invitation_is_single_use_and_makes_a_login_of_the_account(account):
    invitation = invitations.invite(account, "new@acme.test", None)
    token = invitation_token(invitation.pk)
    with pytest.raises(InvalidRequest):
        invitations.accept(token, "short")
    user = invitations.accept(token, PASSWORD)
    assert (user.username, user.account_id) == ("new@acme.test", account.pk)
    assert authenticate(username="new@acme.test", password=PASSWORD) == user
    with pytest.raises(NotFound, match="already used"):
        invitations.accept(token, PASSWORD)


def test_invitation_expires_and_unknown_tokens_are_not_found(account):
    invitation = invitations.invite(account, "late@acme.test", None)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(NotFound, match="expired"):
        invitations.accept(invitation_token(invitation.pk), PASSWORD)
    with pytest.raises(NotFound):
        invitations.find_open("0" * 64)
    assert not User.objects.filter(username="late@acme.test").exists()


def test_inviting_again_replaces_the_link_and_withdrawing_is_per_account(account, other_account):
    old = invitations.invite(account, "twice@acme.test", None)
    with pytest.raises(Conflict, match="a moment ago"):
        invitations.invite(account, "twice@acme.test", None)
    Invitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - invitations.RESEND_AFTER)
    new = invitations.invite(account, "twice@acme.test", None)
    with pytest.raises(NotFound):
        invitations.find_open(invitation_token(old.pk))
    with pytest.raises(NotFound):
        invitations.withdraw(other_account, new.pk)
    invitations.withdraw(account, new.pk)
    with pytest.raises(NotFound):
        invitations.find_open(invitation_token(new.pk))


def test_inviting_an_existing_login_or_a_bad_address_is_refused(account):
    services.create_user(account, "here@acme.test", PASSWORD)
    with pytest.raises(Conflict):
        invitations.invite(account, "HERE@acme.test", None)
    with pytest.raises(InvalidRequest):
        invitations.invite(account, "nobody", None)
    assert not Invitation.objects.exists() and not OutboxMessage.objects.exists()
