"""Shippo's tracking API as a real HTTP server on loopback: `GET /tracks/{carrier}/{tracking_number}` with
`Authorization: ShippoToken <token>`, answering Track objects shaped like Shippo's (see
/work/shared/fixtures/tracking/shippo-track-get-usps-delivered.json).

Tests script it: `add(carrier, number, status, details, when, location=..., substatus=...)` appends a
checkpoint to a parcel's history (tracking_status is the latest one); `fail(n, status)` answers the next n
requests with an error. Unknown parcels answer 200 with `tracking_status: null` and an empty history, as a
parcel the carrier has not scanned yet; a wrong or missing token answers 401 `{"detail": "Invalid token."}`.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

from tests.emulators.loopback import LoopbackServer


@dataclass
class Parcel:
    carrier: str
    tracking_number: str
    eta: str | None = None
    history: list[dict] = field(default_factory=list)

    def track(self) -> dict:
        return {
            "carrier": self.carrier, "tracking_number": self.tracking_number,
            "address_from": {"city": "Berlin", "state": "", "zip": "10117", "country": "DE"},
            "address_to": {"city": "New York", "state": "NY", "zip": "10118", "country": "US"},
            "eta": self.eta, "original_eta": self.eta, "servicelevel": {"token": f"{self.carrier}_standard", "name": "Standard"},
            "metadata": None, "transaction": None, "messages": [], "test": True,
            "tracking_status": dict(self.history[-1], object_updated=self.history[-1]["object_created"]) if self.history else None,
            "tracking_history": list(self.history),
        }


class CarrierEmulator(LoopbackServer):
    name = "carrier"

    def __init__(self, token: str = "shippo_test_token"):
        self.token = token
        self.parcels: dict[tuple[str, str], Parcel] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, lower-case headers)
        self._script: deque[tuple[int, str]] = deque()
        self._lock = threading.Lock()

    def handler(self):
        return _handler(self)

    # Scripting -----------------------------------------------------------------------------------------

    def add(self, carrier: str, number: str, status: str, details: str, when: str, *, location: dict | None = None,
            substatus: str = "", eta: str | None = None) -> None:
        """Append a checkpoint (status UNKNOWN, PRE_TRANSIT, TRANSIT, DELIVERED, RETURNED or FAILURE; `when` ISO 8601)."""
        datetime.fromisoformat(when.replace("Z", "+00:00"))  # a test's typo fails here, not in Platen
        with self._lock:
            parcel = self.parcels.setdefault((carrier, number), Parcel(carrier, number))
            parcel.eta = eta or parcel.eta
            event = {"object_created": when, "object_id": uuid.uuid4().hex, "status": status, "status_details": details,
                     "status_date": when, "location": location}
            if substatus:
                event["substatus"] = {"code": substatus, "text": details, "action_required": substatus != "delivered"}
            parcel.history.append(event)

    def fail(self, times: int = 1, status: int = 503) -> None:
        self._script.extend((status, json.dumps({"detail": "Service temporarily unavailable."})) for _ in range(times))

    def polls(self, number: str) -> int:
        return sum(1 for path, _ in self.requests if path.rstrip("/").endswith(f"/{number}"))

    # Answering -----------------------------------------------------------------------------------------

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, str]:
        with self._lock:
            self.requests.append((path, headers))
            if self._script:
                return self._script.popleft()
            if headers.get("authorization") != f"ShippoToken {self.token}":
                return 401, json.dumps({"detail": "Invalid token."})
            parts = [unquote(p) for p in urlsplit(path).path.strip("/").split("/")]
            if len(parts) != 3 or parts[0] != "tracks":
                return 404, json.dumps({"detail": "Not found."})
            carrier, number = parts[1], parts[2]
            parcel = self.parcels.get((carrier, number)) or Parcel(carrier, number)
            return 200, json.dumps(parcel.track())


def _handler(emulator: CarrierEmulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the http.server naming)
            status, body = emulator.answer(self.path, {k.lower(): v for k, v in self.headers.items()})
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    return Handler
