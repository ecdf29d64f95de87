"""The one interface every tracking source and carrier client implements, and the normalised shapes they
all produce. Nothing after a provider's module knows which aggregator or carrier spoke.

A provider turns its own payloads into a `TrackerState`: the tracker's id at the provider, the tracking code,
the carrier, and its checkpoints with aware times and their Platen meaning (mapping.py). Webhook providers
also verify signatures over the raw bytes (constant-time) and name each delivery's event id; poll clients
fetch a tracker's state by tracking code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

# What a checkpoint means for a package (mapping.py decides); "" when it means nothing for the status.
SHIPPED, IN_TRANSIT, DELIVERED, RETURNED, EXCEPTION = "shipped", "in_transit", "delivered", "returned", "exception"
MEANINGS = (SHIPPED, IN_TRANSIT, DELIVERED, RETURNED, EXCEPTION)


class PayloadError(ValueError):
    """A body that is not what the provider sends (not JSON, not an object, a checkpoint without a time)."""


class PollFailed(Exception):
    """A poll that got no usable answer: `reason` is a sentence for operators; `transient` asks to try again later."""

    def __init__(self, reason: str, *, transient: bool = True):
        super().__init__(reason)
        self.reason, self.transient = reason, transient


@dataclass(frozen=True)
class Checkpoint:
    occurred_at: datetime  # the carrier's own time, aware
    carrier_status: str  # as the provider says it, e.g. "in_transit/arrived_at_facility", "Exception_011"
    status: str  # one of MEANINGS, or ""
    message: str = ""
    location: str = ""
    reason: str = ""  # mapping.REASONS: why a parcel is returned or held (refused, wrong_address, lost...)


@dataclass(frozen=True)
class TrackerState:
    external_id: str  # the provider's tracker id (trk_…); "" when the provider has none (polled by code)
    tracking_code: str
    carrier: str  # as the provider names it: "FedEx", "fedex", "usps"
    carrier_status: str
    status: str  # the tracker's own meaning (one of MEANINGS or "")
    checkpoints: tuple[Checkpoint, ...] = ()  # oldest first, by the carrier's time
    expected_delivery: date | None = None
    public_url: str = ""


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    description: str  # e.g. tracker.updated, tracking_update
    tracker: TrackerState | None  # None: an event about something else (acknowledged, ignored)


@dataclass(frozen=True)
class PollTarget:
    """What a poll client needs to ask about one parcel (from production.models.Carrier and the package)."""

    carrier_code: str
    tracking_code: str
    api_base_url: str
    api_token: str = ""


class Provider:
    """A tracking source or carrier client. Webhook sources implement sign (the signature a body should carry)
    and parse_webhook, and name `signature_header` and `event_id_key`; poll clients implement fetch. A provider
    may do both."""

    name: str = ""
    label: str = ""
    signature_header: str = ""  # where a webhook's signature arrives
    event_id_key: str = ""  # the body's field holding the delivery's own id

    def sign(self, body: bytes, secret: str) -> str:
        raise NotImplementedError(f"{self.label} does not send webhooks.")

    def verify(self, body: bytes, headers: Mapping[str, str], secret: str) -> bool:
        """The body carries the signature `secret` makes (compared in constant time)."""
        given = headers.get(self.signature_header, "") or ""
        return bool(given) and hmac.compare_digest(self.sign(body, secret).encode(), given.strip().encode())

    def event_id(self, body: bytes) -> str:
        """The delivery's own id (a repeat carries the same one); the body's SHA-256 when it has none."""
        try:
            event = json.loads(body)
        except ValueError:
            event = None
        given = event.get(self.event_id_key) if isinstance(event, dict) and self.event_id_key else None
        if isinstance(given, str) and given:
            return given[:100]
        return hashlib.sha256(body).hexdigest()

    def parse_webhook(self, body: bytes) -> WebhookEvent:
        raise NotImplementedError(f"{self.label} does not send webhooks.")

    def fetch(self, target: PollTarget, client) -> TrackerState:
        """The tracker's state now, asked through `client` (a platen.kit.safehttp.SafeHttpClient)."""
        raise NotImplementedError(f"{self.label} cannot be polled.")


@dataclass
class Checkpoints:
    """Collects checkpoints once per (time, carrier status), sorted by the carrier's time."""

    seen: dict = field(default_factory=dict)

    def add(self, checkpoint: Checkpoint) -> None:
        self.seen.setdefault((checkpoint.occurred_at, checkpoint.carrier_status), checkpoint)

    def sorted(self) -> tuple[Checkpoint, ...]:
        return tuple(sorted(self.seen.values(), key=lambda c: c.occurred_at))


def json_object(body: bytes) -> dict:
    """A webhook's body as the JSON object every provider sends."""
    try:
        value = json.loads(body)
    except ValueError:
        raise PayloadError("The body is not JSON.") from None
    if not isinstance(value, dict):
        raise PayloadError("The body is not a JSON object.")
    return value


def parse_time(value, *, what: str = "time") -> datetime:
    """An ISO 8601 time as providers send it ("2024-08-02T19:26:52.000Z", "2018-07-23T16:58:00+08:00").
    A time without a zone ("2018-07-23T08:58:00": AfterShip's dates) is read as UTC: the providers give no
    zone and UTC is off by at most a day's hours, never by a date's order of events."""
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"The {what} is missing.")
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise PayloadError(f"The {what} {value!r} is not an ISO 8601 time.") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def parse_day(value) -> date | None:
    """A delivery date from a date or a time ("2024-08-05T00:00:00Z", "2019-05-02"); None when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def place(*parts) -> str:
    """"ORLANDO, FL, US" from the parts a provider gives (nulls and blanks dropped, repeats once)."""
    seen: list[str] = []
    for part in parts:
        text = str(part).strip() if part is not None else ""
        if text and text not in seen:
            seen.append(text)
    return ", ".join(seen)


def text(value, limit: int = 500) -> str:
    return str(value).strip()[:limit] if value is not None else ""
