"""API keys stored hashed: merchants' keys (accounts.ApiKey) and print partners' (production.PartnerKey).

A key is shown once when made; only its SHA-256 is stored. Every request looks its key up through a short
cache (a revoked key stops at once in the revoking process, within seconds elsewhere), and a key's last use is
written at most once a minute. Each kind has its own prefix, so one kind can never pass for the other.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from platen.kit.errors import Detail, InvalidRequest, NotFound
from platen.kit.ttlcache import TtlCache

NAME_MAX = 100
CACHE_SECONDS = 5
LAST_USED_EVERY = timedelta(minutes=1)


def hash_key(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is as safe as a slow one and keeps each request cheap.
    return hashlib.sha256(key.encode()).hexdigest()


class KeyRing:
    """The keys of one model (fields: prefix, key_hash, name, last_used_at, revoked_at and the owner's foreign key)."""

    def __init__(self, model: type[Model], *, prefix: str, owner: str, label: str):
        self.model, self.prefix, self.owner, self.label = model, prefix, owner, label
        self._cache: TtlCache[str, Model] = TtlCache(CACHE_SECONDS)

    def issue(self, owner, name: str = "") -> tuple[Model, str]:
        """A new key of `owner`: the row and the whole key (to show once)."""
        name = " ".join((name or "").split())
        if len(name) > NAME_MAX:
            raise InvalidRequest("Choose a shorter name.", [Detail("name", f"A key's name has at most {NAME_MAX} characters.")])
        prefix = secrets.token_hex(4)
        secret = f"{self.prefix}{prefix}_{secrets.token_urlsafe(32)}"
        row = self.model.objects.create(**{self.owner: owner}, name=name, prefix=prefix, key_hash=hash_key(secret))
        return row, secret

    @transaction.atomic
    def revoke(self, prefix: str) -> Model:
        """By the key's prefix (with or without the kind's prefix, or the whole key); revoking twice changes nothing."""
        prefix = prefix.removeprefix(self.prefix).split("_")[0]
        row = self.model.objects.select_for_update().filter(prefix=prefix).first()
        if row is None:
            raise NotFound(f"No {self.label} starts with {prefix}.", code="api_key_not_found")
        if row.revoked_at is None:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
        self._cache.forget(row.key_hash)
        return row

    def authenticate(self, key: str) -> Model | None:
        """The active key `key` is, with its owner loaded; None for anything else (another kind's key included)."""
        if not key or not key.startswith(self.prefix):
            return None
        digest = hash_key(key)
        row = self._cache.get(digest)
        if row is None:
            row = self.model.objects.select_related(self.owner).filter(key_hash=digest, revoked_at__isnull=True).first()
            if row is not None:
                self._cache.put(digest, row)
        return row

    def note_used(self, row: Model) -> None:
        """last_used_at, at most once a minute per key: a conditional UPDATE (another process may have written it
        already), and the cached key remembers it, so the minute's other requests write nothing."""
        now = timezone.now()
        if row.last_used_at is not None and row.last_used_at > now - LAST_USED_EVERY:
            return
        (self.model.objects.filter(pk=row.pk)
         .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY)).update(last_used_at=now))
        row.last_used_at = now

    def forget(self) -> None:
        self._cache.forget()
