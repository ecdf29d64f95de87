"""The one place postbacks touch the network: a JSON POST through the SSRF-safe client (platen.kit.safehttp).

Redirects are not followed (an answer is an answer), private addresses are refused unless
settings.PLATEN.fetch_allow_private, and only the first KB of the receiver's answer is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from platen.kit import safehttp

EXCERPT_BYTES = 1024


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    excerpt: str  # at most EXCERPT_BYTES of the body
    duration_ms: int


class SendFailed(Exception):
    """No HTTP answer: refused address, connection error or timeout. The message says which."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent  # trying again cannot help (an address Platen will not call, a broken URL)


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    timeouts = safehttp.Timeouts(connect=timeout, read=timeout, total=timeout)
    try:
        result = safehttp.post_json(url, body, headers=headers, timeouts=timeouts, user_agent="Platen-Postbacks/1")
    except safehttp.FetchFailed as exc:
        raise SendFailed(exc.reason, permanent=not exc.transient) from None
    excerpt = result.body_excerpt.encode()[:EXCERPT_BYTES].decode("utf-8", errors="ignore")
    return Answer(result.status, {k.lower(): v for k, v in result.headers.items()}, excerpt, result.duration_ms)
