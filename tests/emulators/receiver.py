"""A merchant's postback receiver: a real HTTP server on loopback that checks signatures as a real one would.

It records every request (headers, body, verified payload) and answers 200 unless told otherwise:
`fail(n, status)` answers the next n requests with an error, `throttle(retry_after)` with 429 and a
Retry-After header, `hang(n)` holds the next n requests past any client timeout, and `down()`/`up()`
close and reopen the port (connection refused in between).
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.emulators.loopback import LoopbackServer

HANG_LIMIT = 30.0  # a hung request is released at stop() at the latest; this only bounds a forgotten one


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    verified: bool
    payload: dict | None  # the JSON body, when the signature verified
    error: str = ""

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")


@dataclass
class _Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    hang: bool = False


class Receiver(LoopbackServer):
    name = "receiver"

    def __init__(self, secret: str | None = None):
        self.secret = secret  # set it once the endpoint exists; requests before that are recorded unverified
        self.received: list[Received] = []
        self._script: deque[_Answer] = deque()
        self._changed = threading.Condition()
        self._release = threading.Event()

    # Lifecycle -----------------------------------------------------------------------------------------

    def handler(self):
        return _handler(self)

    def stop(self) -> None:
        self._release.set()
        super().stop()

    def down(self) -> None:
        self.stop()

    def up(self) -> Receiver:
        """Listen again on the same port (the endpoint's URL stays valid)."""
        self._release.clear()
        return self.start()

    @property
    def url(self) -> str:
        return f"{super().url}/hooks/platen"

    # Scripted answers ----------------------------------------------------------------------------------

    def fail(self, times: int = 1, status: int = 503, body: str = "temporarily broken", headers: dict | None = None) -> None:
        self._script.extend(_Answer(status, dict(headers or {}), body) for _ in range(times))

    def throttle(self, retry_after: str, times: int = 1, status: int = 429) -> None:
        self.fail(times, status, "slow down", {"Retry-After": retry_after})

    def hang(self, times: int = 1) -> None:
        self._script.extend(_Answer(200, hang=True) for _ in range(times))

    # Reading what arrived ------------------------------------------------------------------------------

    @property
    def payloads(self) -> list[dict]:
        return [r.payload for r in self.received if r.payload is not None]

    def events(self, name: str | None = None) -> list[dict]:
        return [p for p in self.payloads if name is None or p.get("event") == name]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Block until `count` requests arrived (bounded); the condition, not the clock, ends the wait."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.received) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} requests, got {len(self.received)}")
        return self.received

    # Internals -----------------------------------------------------------------------------------------

    def _record(self, path: str, headers: dict[str, str], body: bytes) -> _Answer:
        verified, payload, error = False, None, ""
        if self.secret:
            try:
                payload = Webhook(self.secret).verify(body, headers)
                verified = True
            except WebhookVerificationError as exc:
                error = str(exc)
        answer = self._script.popleft() if self._script else _Answer(200, body="ok")
        if self.secret and not verified:
            answer = _Answer(401, body=f"bad signature: {error}")
        with self._changed:
            self.received.append(Received(path, headers, body, verified, payload, error))
            self._changed.notify_all()
        return answer


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = receiver._record(self.path, headers, body)
            if answer.hang:
                receiver._release.wait(HANG_LIMIT)
            data = (answer.body or json.dumps({"received": True})).encode()
            try:
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                pass

        def log_message(self, *args) -> None:  # keep the test output clean
            pass

    return Handler
