"""The loopback HTTP server every emulator runs on: a real ThreadingHTTPServer on 127.0.0.1, served from a daemon
thread, started and stopped by the emulator (or as a context manager). A restarted emulator listens on the port it
had (its URL stays valid)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class LoopbackServer:
    name = "emulator"  # names the serving thread
    _server: ThreadingHTTPServer | None = None
    port = 0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class answering for this emulator."""
        raise NotImplementedError

    def start(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.05,), name=f"{self.name}-{self.port}",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
