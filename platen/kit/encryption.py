"""Secrets at rest (webhook secrets, carrier API tokens): Fernet tokens under a key derived from SECRET_KEY.

Each use names its `purpose`, so one key never opens another use's secrets; SECRET_KEY_FALLBACKS still
decrypt after a key rotation.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet(purpose: str) -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"{purpose}:{k}".encode()).digest())) for k in keys])


def encrypt(secret: str, purpose: str) -> str:
    return _fernet(purpose).encrypt(secret.encode()).decode()


def decrypt(token: str, purpose: str) -> str:
    try:
        return _fernet(purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        raise RuntimeError("A stored secret cannot be decrypted: was SECRET_KEY changed without keeping the old one "
                           "in SECRET_KEY_FALLBACKS?") from None
