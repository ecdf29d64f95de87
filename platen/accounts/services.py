"""Accounts, dashboard users and API keys."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from email_validator import EmailNotValidError, validate_email

from platen.accounts.models import Account, ApiKey, User
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound
from platen.kit.ttlcache import TtlCache

KEY_PREFIX = "plk_"


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str  # the whole key; shown once, never stored


def hash_key(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is as safe as a slow one and keeps each request cheap.
    return hashlib.sha256(key.encode()).hexdigest()


# --- Checks shared by the CLI and the dashboard (Settings, operators' account pages) ----------------------

def checked_email(email: str, field: str = "email") -> str:
    """The address, normalised (email-validator; no DNS lookup), or InvalidRequest saying what is wrong."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        problem = f"{exc} Give an address such as orders@example.com."
        raise InvalidRequest(f"“{email}” is not a valid e-mail address: {problem}", [Detail(field, problem)]) from None


def checked_account_name(name: str, *, exclude: Account | None = None) -> str:
    """The name, trimmed; refused when empty or already another account's (in any letter case)."""
    name = (name or "").strip()
    if not name:
        raise InvalidRequest("Give the account a name.", [Detail("name", "Give the account a name.")])
    same = Account.objects.filter(name__iexact=name)
    taken = (same.exclude(pk=exclude.pk) if exclude is not None else same).first()
    if taken is not None:
        message = f"An account named “{taken.name}” already exists (id {taken.id}); choose another name."
        raise Conflict(message, code="name_taken", details=[Detail("name", message)])
    return name


def checked_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise InvalidRequest("Give a user name.", [Detail("username", "Give a user name.")])
    if User.objects.filter(username__iexact=username).exists():
        message = f"The user name “{username}” is already taken; choose another one."
        raise Conflict(message, code="username_taken", details=[Detail("username", message)])
    return username


def check_password(password: str, user: User | None = None) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS: at least 8 characters, not a common
    password); their sentences say which rule failed."""
    try:
        validate_password(password or "", user)
    except DjangoValidationError as exc:
        raise InvalidRequest(f"The password is not accepted: {' '.join(exc.messages)}",
                             [Detail("password", m) for m in exc.messages]) from None


def register_account(name: str, email: str) -> Account:
    """create_account after the checks: what people creating accounts (CLI, dashboard) go through."""
    with transaction.atomic():
        return create_account(checked_account_name(name), checked_email(email))


def register_user(account: Account | None, username: str, password: str, *, email: str = "", operator: bool = False) -> User:
    """create_user after the checks. Without an e-mail address, the user name is used when it is one."""
    username = checked_username(username)
    if email:
        email = checked_email(email)
    else:
        try:
            email = checked_email(username)
        except InvalidRequest:
            email = ""
    check_password(password, User(username=username, email=email))
    return create_user(account, username, password, email=email, operator=operator)


def set_password(username: str, password: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"No user is named {username}.")
    check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def create_account(name: str, email: str) -> Account:
    return Account.objects.create(name=name, email=email)


def create_user(account: Account | None, username: str, password: str, *, email: str | None = None, operator: bool = False) -> User:
    """No checks (see register_user); without an e-mail argument, the user name is the address."""
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username=username, email=username if email is None else email, password=password, account=account,
                is_staff=operator, is_superuser=operator,
            )
    except IntegrityError:  # the unique user name, taken between a check and the insert
        raise Conflict(f"The user name “{username}” is already taken; choose another one.", code="username_taken") from None


@transaction.atomic
def issue_api_key(account: Account, name: str = "") -> IssuedKey:
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


def find_account(id_or_name: str) -> Account:
    """By id, or by name (any letter case) when exactly one account has it."""
    account = Account.objects.filter(pk=id_or_name).first() if _is_uuid(id_or_name) else None
    if account is not None:
        return account
    named = list(Account.objects.filter(name__iexact=(id_or_name or "").strip())[:10])
    if not named:
        raise NotFound(f"No account has the id or name {id_or_name}.")
    if len(named) > 1:
        raise Conflict(f"{len(named)} accounts are named {id_or_name}; give one of their ids instead: "
                       + ", ".join(str(a.id) for a in named) + ".", code="ambiguous_account")
    return named[0]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


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
