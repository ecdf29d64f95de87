"""EasyPost: webhooks (Event `tracker.updated`, its `result` a Tracker) and, for completeness, the Tracker
object as `GET /v2/trackers/{id}` returns it (same parser).

Signature: `X-Hmac-Signature: hmac-sha256-hex=<hex>`, HMAC-SHA256 of the raw body keyed with the webhook
secret NFKD-normalised and UTF-8 encoded (as EasyPost's own client libraries check it). The event's own
`status` is the webhook delivery's; the parcel's is `result.status`.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from platen.production.carriers import mapping
from platen.production.carriers.base import (
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

PREFIX = "hmac-sha256-hex="


class EasyPost(Provider):
    name, label = "easypost", "EasyPost"
    signature_header, event_id_key = "X-Hmac-Signature", "id"

    def sign(self, body: bytes, secret: str) -> str:
        key = unicodedata.normalize("NFKD", secret).encode("utf-8")
        return PREFIX + hmac.new(key, body, hashlib.sha256).hexdigest()

    def parse_webhook(self, body: bytes) -> WebhookEvent:
        event = json_object(body)
        description = text(event.get("description"), 100)
        result = event.get("result")
        tracker = None
        if description.startswith("tracker.") and isinstance(result, dict) and result.get("object", "Tracker") == "Tracker":
            tracker = parse_tracker(result)
        return WebhookEvent(self.event_id(body), description, tracker)


def parse_tracker(tracker: dict) -> TrackerState:
    """A Tracker object (webhook `result` or GET /v2/trackers/{id})."""
    points = Checkpoints()
    for detail in tracker.get("tracking_details") or []:
        if isinstance(detail, dict):
            points.add(_checkpoint(detail))
    status, detail = text(tracker.get("status"), 30), text(tracker.get("status_detail"), 30)
    meaning, reason = _meaning(status, detail, "")
    checkpoints = points.sorted()
    if meaning and not any(c.status == meaning for c in checkpoints) and tracker.get("updated_at"):
        # The tracker says more than its details (an `error` tracker has none): its own state is a checkpoint.
        points.add(Checkpoint(parse_time(tracker["updated_at"], what="tracker's updated_at"), _code(status, detail),
                              meaning, detail.replace("_", " "), "", reason))
        checkpoints = points.sorted()
    code = text(tracker.get("tracking_code"), 100)
    if not code:
        raise PayloadError("The tracker has no tracking_code.")
    return TrackerState(
        external_id=text(tracker.get("id"), 100), tracking_code=code, carrier=text(tracker.get("carrier"), 60),
        carrier_status=_code(status, detail), status=meaning, checkpoints=checkpoints,
        expected_delivery=parse_day(tracker.get("est_delivery_date")), public_url=text(tracker.get("public_url"), 500),
    )


def _checkpoint(detail: dict) -> Checkpoint:
    status, sub = text(detail.get("status"), 30), text(detail.get("status_detail"), 30)
    message = text(detail.get("message") or detail.get("description"))
    meaning, reason = _meaning(status, sub, message)
    where = detail.get("tracking_location") or {}
    location = place(where.get("city"), where.get("state"), where.get("country")) if isinstance(where, dict) else ""
    return Checkpoint(parse_time(detail.get("datetime"), what="checkpoint's datetime"), _code(status, sub),
                      meaning, message, location[:200], reason)


def _meaning(status: str, detail: str, message: str) -> tuple[str, str]:
    reason = mapping.EASYPOST_DETAIL_REASON.get(detail) or mapping.EASYPOST_STATUS_REASON.get(status, "")
    if reason in ("", mapping.FAILED, mapping.RETURNED_REASON):
        reason = mapping.reason_from_words(message) or reason
    return mapping.meaning(mapping.EASYPOST_STATUS.get(status, ""), reason), reason


def _code(status: str, detail: str) -> str:
    return f"{status}/{detail}" if detail and detail != status else status

