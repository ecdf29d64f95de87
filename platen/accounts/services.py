"""Accounts, dashboard users and API keys."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from platen.accounts import validation
from platen.accounts.models import Account, ApiKey, User
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound
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


LAST_USED_EVERY = timedelta(minutes=1)


def note_key_used(api_key: ApiKey) -> None:
    """Records when a key was last used, at most once a minute per key: a conditional UPDATE (another process
    may have written it already), and the cached key remembers it, so the minute's other requests write nothing."""
    now = timezone.now()
    if api_key.last_used_at is not None and api_key.last_used_at > now - LAST_USED_EVERY:
        return
    (ApiKey.objects.filter(pk=api_key.pk)
     .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY)).update(last_used_at=now))
    api_key.last_used_at = now


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
