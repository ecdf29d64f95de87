"""Partner API keys: issued once (only the SHA-256 is stored), revoked, and checked on every partner request.

A partner key starts with its own prefix (ppk_), a merchant key with plk_: each authenticator looks only at its
own kind, so a partner key never acts as a merchant's and a merchant key never reaches a partner endpoint.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from platen.accounts.services import KEY_NAME_MAX, hash_key
from platen.kit.errors import Detail, InvalidRequest, NotFound
from platen.kit.ttlcache import TtlCache
from platen.production.models import Partner, PartnerKey

PARTNER_KEY_PREFIX = "ppk_"


@dataclass(frozen=True)
class IssuedPartnerKey:
    partner_key: PartnerKey
    secret: str  # the whole key; shown once, never stored


@transaction.atomic
def issue_key(partner: Partner, name: str = "") -> IssuedPartnerKey:
    name = " ".join((name or "").split())
    if len(name) > KEY_NAME_MAX:
        raise InvalidRequest("Choose a shorter name.", [Detail("name", f"A key's name has at most {KEY_NAME_MAX} characters.")])
    prefix = secrets.token_hex(4)
    secret = f"{PARTNER_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    partner_key = PartnerKey.objects.create(partner=partner, name=name, prefix=prefix, key_hash=hash_key(secret))
    return IssuedPartnerKey(partner_key, secret)


@transaction.atomic
def revoke_key(prefix: str) -> PartnerKey:
    """By the key's prefix (with or without ppk_, or the whole key); revoking twice changes nothing."""
    prefix = prefix.removeprefix(PARTNER_KEY_PREFIX).split("_")[0]
    partner_key = PartnerKey.objects.select_for_update().filter(prefix=prefix).first()
    if partner_key is None:
        raise NotFound(f"No partner API key starts with {prefix}.", code="api_key_not_found")
    if partner_key.revoked_at is None:
        partner_key.revoked_at = timezone.now()
        partner_key.save(update_fields=["revoked_at"])
    _keys.forget(partner_key.key_hash)
    return partner_key


# As for merchant keys: a revoked key stops at once in the revoking process, within seconds elsewhere.
KEY_CACHE_SECONDS = 5
_keys: TtlCache[str, PartnerKey] = TtlCache(KEY_CACHE_SECONDS)


def authenticate(key: str) -> PartnerKey | None:
    """The active partner key `key` is, with its partner; None for anything else (a merchant key included)."""
    if not key or not key.startswith(PARTNER_KEY_PREFIX):
        return None
    digest = hash_key(key)
    partner_key = _keys.get(digest)
    if partner_key is None:
        partner_key = PartnerKey.objects.select_related("partner").filter(key_hash=digest, revoked_at__isnull=True).first()
        if partner_key is not None:
            _keys.put(digest, partner_key)
    return partner_key


LAST_USED_EVERY = timedelta(minutes=1)


def note_used(partner_key: PartnerKey) -> None:
    """last_used_at, written at most once a minute per key (a conditional UPDATE; the cached key remembers it)."""
    now = timezone.now()
    if partner_key.last_used_at is not None and partner_key.last_used_at > now - LAST_USED_EVERY:
        return
    (PartnerKey.objects.filter(pk=partner_key.pk)
     .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY)).update(last_used_at=now))
    partner_key.last_used_at = now


def forget_cached_keys() -> None:
    _keys.forget()
