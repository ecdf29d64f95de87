"""Shippo's tracking API, polled for carriers without webhooks: `GET /tracks/{carrier}/{tracking_number}` with
`Authorization: ShippoToken <token>`, answering a Track object (carrier, tracking_number, eta, tracking_status,
tracking_history oldest first; statuses UNKNOWN, PRE_TRANSIT, TRANSIT, DELIVERED, RETURNED, FAILURE; each
event may carry `substatus {code, text, action_required}`; `location` may be null).

Carrier tokens are Shippo's lower-case names (usps, ups, fedex, dhl_express); Platen's carrier codes map to
them below, the rest with dashes as underscores.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from platen.kit import safehttp
from platen.production.carriers import mapping
from platen.production.carriers.base import (Checkpoint, Checkpoints, PayloadError, PollFailed, PollTarget, Provider,
                                             TrackerState, parse_day, parse_time, place, text)

DEFAULT_BASE_URL = "https://api.goshippo.com"
TOKENS = {"dhl": "dhl_express", "dhl-express": "dhl_express", "dhl-paket": "dhl_germany", "royal-mail": "royal_mail",
          "canada-post": "canada_post", "australia-post": "australia_post"}


def carrier_token(code: str) -> str:
    return TOKENS.get(code, code.replace("-", "_"))


class Shippo(Provider):
    name, label = "shippo", "Shippo"

    def fetch(self, target: PollTarget, client: safehttp.SafeHttpClient) -> TrackerState:
        base = (target.api_base_url or DEFAULT_BASE_URL).rstrip("/")
        url = f"{base}/tracks/{quote(carrier_token(target.carrier_code), safe='')}/{quote(target.tracking_code, safe='')}"
        headers = {"Accept": "application/json"}
        if target.api_token:
            headers["Authorization"] = f"ShippoToken {target.api_token}"
        try:
            answer = client.get(url, headers=headers)
        except safehttp.FetchFailed as exc:
            raise PollFailed(exc.reason, transient=exc.transient) from None
        if answer.status in (401, 403):
            raise PollFailed("Shippo refused the API token: set the carrier's token again.", transient=False)
        if answer.status == 429 or answer.status >= 500:
            raise PollFailed(f"Shippo answered {answer.status}; trying again later.")
        if answer.status != 200:
            raise PollFailed(f"Shippo answered {answer.status} for {target.tracking_code}: {answer.body[:200]!r}.")
        try:
            return parse_track(answer.json())
        except (ValueError, PayloadError) as exc:
            raise PollFailed(f"Shippo's answer could not be read: {exc}") from None


def parse_track(track) -> TrackerState:
    """A Track object as GET /tracks/{carrier}/{number} answers it (and a track_updated webhook's `data`)."""
    if isinstance(track, (bytes, str)):
        track = json.loads(track)
    if not isinstance(track, dict):
        raise PayloadError("The answer is not a JSON object.")
    points = Checkpoints()
    for event in track.get("tracking_history") or []:
        if isinstance(event, dict) and event.get("status_date"):
            points.add(_checkpoint(event))
    current = track.get("tracking_status")
    status, carrier_status = "", ""
    if isinstance(current, dict) and current.get("status"):
        latest = _checkpoint(current) if current.get("status_date") else None
        if latest is not None:
            points.add(latest)
            status, carrier_status = latest.status, latest.carrier_status
        else:
            carrier_status = text(current.get("status"), 30)
            status = mapping.SHIPPO_STATUS.get(carrier_status, "")
    code = text(track.get("tracking_number"), 100)
    if not code:
        raise PayloadError("The track has no tracking_number.")
    return TrackerState(external_id="", tracking_code=code, carrier=text(track.get("carrier"), 60),
                        carrier_status=carrier_status, status=status, checkpoints=points.sorted(),
                        expected_delivery=parse_day(track.get("eta")))


def _checkpoint(event: dict) -> Checkpoint:
    status = text(event.get("status"), 30)
    substatus = event.get("substatus") if isinstance(event.get("substatus"), dict) else {}
    sub = text(substatus.get("code"), 30)
    message = text(event.get("status_details")) or text(substatus.get("text"))
    reason = mapping.SHIPPO_SUBSTATUS_REASON.get(sub, "")
    if sub == "package_held" and "customs" in f"{message} {substatus.get('text') or ''}".lower():
        reason = mapping.CUSTOMS_HOLD
    if reason in ("", mapping.RETURNED_REASON, mapping.UNDELIVERABLE):
        reason = mapping.reason_from_words(message) or reason
    if not reason and status == "FAILURE":
        reason = mapping.FAILED
    meaning = mapping.meaning(mapping.SHIPPO_STATUS.get(status, ""), reason)
    where = event.get("location") if isinstance(event.get("location"), dict) else {}
    return Checkpoint(parse_time(event.get("status_date"), what="status_date"), f"{status}/{sub}" if sub else status,
                      meaning, message, place(where.get("city"), where.get("state"), where.get("country"))[:200], reason)
