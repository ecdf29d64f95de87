"""Invitation links: the token is derived from the invitation's id with the server's secret key, so the
e-mail job can rebuild the link when it sends, and the database holds only the token's SHA-256."""

from __future__ import annotations

import hashlib

from django.utils.crypto import salted_hmac

SALT = "platen.accounts.invitation"


def invitation_token(invitation_id) -> str:
    return salted_hmac(SALT, str(invitation_id), algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
