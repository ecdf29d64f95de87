"""Accounts, dashboard users and API keys."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from platen.accounts import validation
from platen.accounts.models import Account, ApiKey, User
from platen.kit.errors import Detail, InvalidRequest, NotFound
from platen.kit.ttlcache import TtlCache

KEY_PREFIX = "plk_"
KEY_NAME_MAX = 100


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str  # the whole key; shown once, never stored


def hash_key(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is as safe as a slow one and keeps each request cheap.
    return hashlib.sha256(key.encode()).hexdigest()


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


@transaction.atomic
def create_user(account: Account | None, username: str, password: str, *, email: str = "", operator: bool = False) -> User:
    """A login; the username, when it is an e-mail address, is the address. Raises InvalidRequest or Conflict."""
    username = (username or "").strip()
    if not username:
        raise InvalidRequest("Enter a username.", [Detail("username", "Enter a username.")])
    if "@" in username:
        username = validation.clean_email(username, field="username")
    email = validation.clean_email(email) if email else (username if "@" in username else "")
    validation.check_username_free(username)
    validation.check_password(password)
    return User.objects.create_user(
        username=username, email=email, password=password, account=account,
        is_staff=operator, is_superuser=operator,
    )


@transaction.atomic
def issue_api_key(account: Account, name: str = "") -> IssuedKey:
    name = " ".join((name or "").split())
    if len(name) > KEY_NAME_MAX:
        raise InvalidRequest("Choose a shorter name.", [Detail("name", f"A key's name has at most {KEY_NAME_MAX} characters.")])
    prefix = secrets.token_hex(4)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(account=account, name=name, prefix=prefix, key_hash=hash_key(secret))
    return IssuedKey(api_key, secret)


# Every API request authenticates; a revoked key stops at once in the revoking process, within seconds elsewhere.
KEY_CACHE_SECONDS = 5
_keys: TtlCache[str, ApiKey] = TtlCache(KEY_CACHE_SECONDS)


def authenticate_key(key: str) -> ApiKey | None:
    if not key or not key.startswith(KEY_PREFIX):
        return None
    digest = hash_key(key)
    api_key = _keys.get(digest)
    if api_key is None:
        api_key = ApiKey.objects.select_related("account").filter(key_hash=digest, revoked_at__isnull=True).first()
        if api_key is not None:
            _keys.put(digest, api_key)
    return api_key


def forget_cached_keys() -> None:
    _keys.forget()


@transaction.atomic
def revoke_api_key(prefix: str) -> ApiKey:
    prefix = prefix.removeprefix(KEY_PREFIX).split("_")[0]
    api_key = ApiKey.objects.select_for_update().filter(prefix=prefix).first()
    if api_key is None:
        raise NotFound(f"No API key starts with {prefix}.")
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    _keys.forget(api_key.key_hash)
    return api_key


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


def find_account(account_id: str) -> Account:
    account = Account.objects.filter(pk=account_id).first() if _is_uuid(account_id) else None
    if account is None:
        account = Account.objects.filter(name=account_id).first()
    if account is None:
        raise NotFound(f"No account has the id or name {account_id}.")
    return account


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


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
