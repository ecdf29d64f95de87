"""AfterShip: webhooks `{"event": "tracking_update", "event_id", "is_tracking_first_tag", "msg": <tracking>, "ts"}`;
`msg` has the shape of `data.tracking` in `GET /trackings/{slug}/{number}` (parse_tracking reads both).

Signature: header `aftership-hmac-sha256`, base64 of HMAC-SHA256 of the raw body keyed with the webhook secret.
Tags are CamelCase (`InTransit`), subtags carry the reason (`Exception_011`); `checkpoint_time` has the local
offset, some dates have no zone at all (read as UTC, base.parse_time).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from platen.production.carriers import mapping
from platen.production.carriers.base import (
    RETURNED,
    Checkpoint,
    Checkpoints,
    PayloadError,
    Provider,
    TrackerState,
    WebhookEvent,
    json_object,
    parse_day,
    parse_time,
    place,
    text,
)


class AfterShip(Provider):
    name, label = "aftership", "AfterShip"
    signature_header, event_id_key = "aftership-hmac-sha256", "event_id"

    def sign(self, body: bytes, secret: str) -> str:
        return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode()

    def parse_webhook(self, body: bytes) -> WebhookEvent:
        event = json_object(body)
        msg = event.get("msg")
        tracker = parse_tracking(msg) if isinstance(msg, dict) and msg.get("tracking_number") else None
        return WebhookEvent(self.event_id(body), text(event.get("event"), 100), tracker)


def parse_tracking(tracking: dict) -> TrackerState:
    """A tracking object: a webhook's `msg`, or `data.tracking` of GET /trackings/{slug}/{number}."""
    points = Checkpoints()
    for checkpoint in tracking.get("checkpoints") or []:
        if isinstance(checkpoint, dict):
            points.add(_checkpoint(checkpoint))
    tag, subtag = text(tracking.get("tag"), 30), text(tracking.get("subtag"), 30)
    meaning, reason = _meaning(tag, subtag, text(tracking.get("subtag_message")))
    checkpoints = points.sorted()
    when = tracking.get("updated_at") or tracking.get("last_updated_at")
    if meaning and not any(c.status == meaning for c in checkpoints) and when:
        points.add(Checkpoint(parse_time(when, what="tracking's updated_at"), subtag or tag, meaning,
                              text(tracking.get("subtag_message")), "", reason))
        checkpoints = points.sorted()
    code = text(tracking.get("tracking_number"), 100)
    if not code:
        raise PayloadError("The tracking has no tracking_number.")
    latest = tracking.get("latest_estimated_delivery") or {}
    expected = parse_day(tracking.get("expected_delivery")) or (
        parse_day(latest.get("datetime") or latest.get("datetime_max")) if isinstance(latest, dict) else None)
    return TrackerState(
        external_id=text(tracking.get("id"), 100), tracking_code=code, carrier=text(tracking.get("slug"), 60),
        carrier_status=subtag or tag, status=meaning, checkpoints=checkpoints, expected_delivery=expected,
        public_url=text(tracking.get("courier_tracking_link"), 500),
    )


def _checkpoint(checkpoint: dict) -> Checkpoint:
    tag, subtag = text(checkpoint.get("tag"), 30), text(checkpoint.get("subtag"), 30)
    message = text(checkpoint.get("message"))
    meaning, reason = _meaning(tag, subtag, message)
    location = text(checkpoint.get("location"), 200) or place(checkpoint.get("city"), checkpoint.get("state"),
                                                              checkpoint.get("country_name") or checkpoint.get("country_iso3"))
    return Checkpoint(parse_time(checkpoint.get("checkpoint_time"), what="checkpoint_time"), subtag or tag, meaning,
                      message, location[:200], reason)


def _meaning(tag: str, subtag: str, message: str) -> tuple[str, str]:
    reason = mapping.AFTERSHIP_SUBTAG_REASON.get(subtag, "")
    if reason in ("", mapping.FAILED, mapping.RETURNED_REASON):
        reason = mapping.reason_from_words(message) or reason
    status = RETURNED if subtag in mapping.AFTERSHIP_RETURN_SUBTAGS else mapping.AFTERSHIP_TAG.get(tag, "")
    return mapping.meaning(status, reason), reason
