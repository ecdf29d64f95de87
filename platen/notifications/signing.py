"""Standard Webhooks signatures and endpoint secrets, encrypted at rest.

Secrets have the `whsec_<base64>` form every Standard Webhooks library reads. They are stored encrypted
(platen.kit.encryption, under this domain's own purpose).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import datetime

from standardwebhooks.webhooks import Webhook

from platen.kit import encryption

PREFIX = "whsec_"
SECRET_BYTES = 32
MIN_BYTES, MAX_BYTES = 24, 64  # what the Standard Webhooks specification allows


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_problem(secret: str) -> str | None:
    """Why a merchant's own secret cannot be used, as a sentence; None when it can."""
    if not secret.startswith(PREFIX):
        return f"Give the secret as {PREFIX} followed by base64, or leave it out and Platen makes one."
    try:
        raw = base64.b64decode(secret[len(PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        return f"The part after {PREFIX} is not valid base64."
    if not MIN_BYTES <= len(raw) <= MAX_BYTES:
        return f"The secret must decode to {MIN_BYTES} to {MAX_BYTES} bytes; this one has {len(raw)}."
    return None


PURPOSE = "platen.notifications"  # the key derivation's salt: endpoints stored before kept their key


def encrypt(secret: str) -> str:
    return encryption.encrypt(secret, PURPOSE)


def decrypt(token: str) -> str:
    return encryption.decrypt(token, PURPOSE)


def headers(secret: str, webhook_id: str, timestamp: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt (the timestamp is the attempt's, the id the event's)."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, timestamp, body),
    }
