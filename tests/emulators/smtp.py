"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts.

Point Django at it with `smtp_settings(server)` (an override_settings for the SMTP backend).
`refuse(n)` answers the next n messages with a temporary failure (451), as a busy relay would.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from django.test import override_settings


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, content_type: str) -> str:
        for p in self.message.walk():
            if p.get_content_type() == content_type:
                return p.get_content()
        return ""


class SmtpServer:
    def __init__(self):
        self.messages: list[Delivered] = []
        self._refusals = 0
        self._changed = threading.Condition()
        self.port = _free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def refuse(self, times: int = 1) -> None:
        self._refusals += times

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Delivered]:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.messages) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} messages, got {len(self.messages)}")
        return self.messages

    def _accept(self, envelope) -> str:
        if self._refusals:
            self._refusals -= 1
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._changed:
            self.messages.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), message))
            self._changed.notify_all()
        return "250 Message accepted for delivery"


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        return self.server._accept(envelope)


def smtp_settings(server: SmtpServer) -> override_settings:
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=server.port,
        EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="", EMAIL_USE_TLS=False, EMAIL_USE_SSL=False, EMAIL_TIMEOUT=5,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
