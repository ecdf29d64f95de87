"""Accounts, dashboard users and API keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from platen.accounts import validation
from platen.accounts.models import Account, ApiKey, User
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound
from platen.kit.hashedkeys import KeyRing

KEY_PREFIX = "plk_"


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str  # the whole key; shown once, never stored


@transaction.atomic
def create_account(name: str, email: str) -> Account:
    """Raises InvalidRequest (name or e-mail) or Conflict (the name is taken), changing nothing."""
    name, email = validation.check_account(name, email)
    return Account.objects.create(name=name, email=email)


@transaction.atomic
def update_account(account_id, name: str, email: str) -> Account:
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise NotFound("No such account.", code="account_not_found")
    account.name, account.email = validation.check_account(name, email, exclude=account)
    account.save(update_fields=["name", "email"])
    return account


def create_user(account: Account | None, username: str, password: str, *, email: str = "", operator: bool = False,
                partner=None) -> User:
    """A login of an account, an operator, or a print partner (`partner`: its production pages only); the username,
    when it is an e-mail address, is the address. Raises InvalidRequest or Conflict."""
    username = (username or "").strip()
    if not username:
        raise InvalidRequest("Enter a username.", [Detail("username", "Enter a username.")])
    if "@" in username:
        username = validation.clean_email(username, field="username")
    email = validation.clean_email(email) if email else (username if "@" in username else "")
    validation.check_username_free(username)
    validation.check_password(password, User(username=username, email=email))
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username=username, email=email, password=password, account=account, partner=partner,
                is_staff=operator, is_superuser=operator,
            )
    except IntegrityError:  # the same name, taken between the check and the insert
        raise Conflict(f"A login named “{username}” already exists.", code="username_taken") from None


def set_password(username: str, password: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"No user is named {username}.")
    validation.check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


KEYS = KeyRing(ApiKey, prefix=KEY_PREFIX, owner="account", label="API key")


@transaction.atomic
def issue_api_key(account: Account, name: str = "") -> IssuedKey:
    return IssuedKey(*KEYS.issue(account, name))


authenticate_key = KEYS.authenticate
note_key_used = KEYS.note_used
forget_cached_keys = KEYS.forget
revoke_api_key = KEYS.revoke


def api_keys(account: Account):
    """The account's keys, active first; never the hash."""
    return ApiKey.objects.filter(account=account).defer("key_hash").order_by(F("revoked_at").asc(nulls_first=True), "-created_at")


@transaction.atomic
def revoke_key_of(account: Account, key_id) -> ApiKey:
    """Revoke one of the account's own keys (another account's key is not found)."""
    api_key = ApiKey.objects.filter(account=account, pk=as_uuid(key_id)).first() if as_uuid(key_id) else None
    if api_key is None:
        raise NotFound("No such API key in this account.", code="api_key_not_found")
    return revoke_api_key(api_key.prefix)


def find_account(id_or_name: str) -> Account:
    """By id, or by name (any letter case) when exactly one account has it."""
    account = Account.objects.filter(pk=as_uuid(id_or_name)).first() if as_uuid(id_or_name) else None
    if account is not None:
        return account
    named = list(Account.objects.filter(name__iexact=(id_or_name or "").strip())[:10])
    if not named:
        raise NotFound(f"No account has the id or name {id_or_name}.")
    if len(named) > 1:
        raise Conflict(f"{len(named)} accounts are named {id_or_name}; give one of their ids instead: "
                       + ", ".join(str(a.id) for a in named) + ".", code="ambiguous_account")
    return named[0]


def as_uuid(value) -> uuid.UUID | None:
    """The UUID in an id from a URL or a command line, or None when it is not one."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@transaction.atomic
def set_approval(account: Account, mode: str | None, delay_hours: int | None) -> Account:
    account = Account.objects.select_for_update().get(pk=account.pk)
    if mode is not None:
        account.approval_mode = mode
    if delay_hours is not None:
        account.approval_delay_hours = delay_hours
    account.save(update_fields=["approval_mode", "approval_delay_hours"])
    return account


def current_account(account_id) -> Account:
    """Fresh from the database: the account on a (briefly cached) API key may be seconds old."""
    return Account.objects.get(pk=account_id)
