"""Partner API keys: issued once (only the SHA-256 is stored), revoked, and checked on every partner request.

A partner key starts with its own prefix (ppk_), a merchant key with plk_: each authenticator looks only at its
own kind, so a partner key never acts as a merchant's and a merchant key never reaches a partner endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from platen.kit.hashedkeys import KeyRing
from platen.production.models import Partner, PartnerKey

PARTNER_KEY_PREFIX = "ppk_"


@dataclass(frozen=True)
class IssuedPartnerKey:
    partner_key: PartnerKey
    secret: str  # the whole key; shown once, never stored


KEYS = KeyRing(PartnerKey, prefix=PARTNER_KEY_PREFIX, owner="partner", label="partner API key")


@transaction.atomic
def issue_key(partner: Partner, name: str = "") -> IssuedPartnerKey:
    return IssuedPartnerKey(*KEYS.issue(partner, name))


revoke_key = KEYS.revoke
authenticate = KEYS.authenticate
note_used = KEYS.note_used
forget_cached_keys = KEYS.forget
