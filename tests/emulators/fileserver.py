"""A real HTTP(S) file server on loopback, as merchants' file hosts behave: print files, redirect chains,
404/410/expired signed links, slow, endless and lying bodies, and an echo for postbacks.

Also the two seams that let tests run Platen's production address policy without any packet leaving
this machine: ScriptedDns (what a host name resolves to) and LoopbackInternet (connections to chosen
public IPs land on a loopback server; any other address fails the test instead of connecting).
"""

from __future__ import annotations

import json
import ssl
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpcore


def raw_pdf(objects: list[bytes], prev_loop: bool = False) -> bytes:
    """A PDF written by hand (objects numbered from 1, object 1 the catalog), byte for byte as given."""
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    prev = b" /Prev %d" % xref if prev_loop else b""  # the table names itself as its predecessor
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, prev, xref)
    return bytes(out)


def _minimal_pdf() -> bytes:
    """One vector page of 303 x 426 mm: A3 (the factories' poster) with 3 mm bleed, so it passes preflight."""
    content = b"0.9 0.2 0.1 rg 0 0 858.9 1207.56 re f"
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 858.9 1207.56] /Resources << >> /Contents 4 0 R >>",
                    b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _blank_png(width: int, height: int) -> bytes:
    """White RGB; the default is the factories' t-shirt print area (300 x 400 mm) at 152 ppi, so it passes preflight."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = (b"\x00" + b"\xff" * 3 * width) * height
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(rows, 9)) + _png_chunk(b"IEND", b""))


def _minimal_jpeg() -> bytes:
    """8x8 mid-grey baseline JPEG: one Huffman code each for DC 'no change' and AC 'end of block'."""
    def segment(marker: int, body: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body

    one_code = bytes([1] + [0] * 15) + b"\x00"  # a single code of length 1 for symbol 0
    return (b"\xff\xd8"
            + segment(0xDB, b"\x00" + bytes([1] * 64))  # quantisation table 0: all ones
            + segment(0xC0, struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00")  # 8x8, one component
            + segment(0xC4, b"\x00" + one_code) + segment(0xC4, b"\x10" + one_code)  # DC and AC tables
            + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")  # scan header
            + b"\x3f"  # bits 0 (DC diff 0), 0 (end of block), padded with ones
            + b"\xff\xd9")


def _minimal_tiff() -> bytes:  # 1x1 8-bit grey, little-endian, uncompressed, 72 dpi
    entries = [(256, 3, 1, 1), (257, 3, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 174), (277, 3, 1, 1), (278, 3, 1, 1), (279, 4, 1, 1),
               (282, 5, 1, 158), (283, 5, 1, 166), (296, 3, 1, 2)]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + b"\0\0\0\0"
    body = b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<IIII", 72, 1, 72, 1) + b"\x80"
    assert len(body) == 175  # offsets above: IFD ends at 158, rationals at 158 and 166, pixel at 174
    return body


SAMPLES: dict[str, bytes] = {
    "pdf": _minimal_pdf(),
    "png": _blank_png(1800, 2400),
    "jpeg": _minimal_jpeg(),
    "tiff": _minimal_tiff(),
    "svg": b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           b'<rect width="10" height="10"/></svg>\n',
}
# name -> (bytes, Content-Type the server claims; some lie on purpose)
FILES: dict[str, tuple[bytes, str]] = {
    "print.pdf": (SAMPLES["pdf"], "application/pdf"),
    "print.png": (SAMPLES["png"], "image/png"),
    "print.jpg": (SAMPLES["jpeg"], "image/jpeg"),
    "print.tiff": (SAMPLES["tiff"], "image/tiff"),
    "print.svg": (SAMPLES["svg"], "image/svg+xml"),
    "download": (SAMPLES["pdf"], "application/octet-stream"),
    "not-a-png.png": (b"<html><body>Please log in</body></html>", "image/png"),
}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.hits.append(url.path)
        parts = url.path.strip("/").split("/")
        try:
            route = getattr(self, f"get_{parts[0].replace('-', '_')}", None)
            if route is None:
                return self.answer(404, b"no such route")
            route(parts[1:], query)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, which is what several tests want

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.hits.append(self.path)
        parts = self.path.strip("/").split("/")
        if parts[0] == "status":  # a redirect here must not be followed: the body would be lost or resent
            status = int(parts[1])
            return self.answer(status, b'{"error": "receiver says no"}', headers={"Location": "/echo"} if 300 <= status < 400 else None)
        if parts[0] == "chatty":
            return self.answer(200, b"x" * 100_000)
        self.answer(200, json.dumps({"headers": dict(self.headers), "body": body.decode()}).encode(),
                    "application/json")

    def answer(self, status: int, body: bytes, content_type: str = "text/plain", headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    # Routes: /<name>/<rest...>?query

    def get_files(self, rest, query) -> None:
        body, content_type = FILES.get("/".join(rest), (None, ""))
        if body is None:
            return self.answer(404, b"not found")
        self.answer(200, body, content_type)

    def get_redirect(self, rest, query) -> None:  # /redirect/3 -> /redirect/2 -> ... -> /files/print.pdf
        left = int(rest[0])
        target = f"/redirect/{left - 1}" if left > 0 else "/files/print.pdf"
        self.answer(302, b"", headers={"Location": target})

    def get_to(self, rest, query) -> None:  # /to?location=http://10.0.0.1/x
        self.answer(302, b"", headers={"Location": query["location"]})

    def get_status(self, rest, query) -> None:
        self.answer(int(rest[0]), b"<Error>nope</Error>", "application/xml")

    def get_signed(self, rest, query) -> None:  # as S3 answers a pre-signed link whose signature no longer holds
        self.answer(403, b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                    "application/xml")

    def get_headers(self, rest, query) -> None:
        self.answer(200, json.dumps(dict(self.headers)).encode(), "application/json")

    def get_cookie(self, rest, query) -> None:
        self.answer(302, b"", headers={"Location": "/headers", "Set-Cookie": "session=secret; Path=/"})

    def get_slow(self, rest, query) -> None:  # ?chunks=&pause=&size=: declared length, sent in pauses
        chunks, pause, size = int(query["chunks"]), float(query["pause"]), int(query.get("size", 100))
        self.send_response(200)
        self.send_header("Content-Length", str(chunks * size))
        self.end_headers()
        for index in range(chunks):
            self.wfile.write((b"%PDF-" + b"x" * (size - 5)) if index == 0 else b"x" * size)
            self.wfile.flush()
            if self.server.stopping.wait(pause):
                return

    def get_endless(self, rest, query) -> None:  # ?size=: no Content-Length, ends when the connection closes
        self.send_response(200)
        self.end_headers()
        remaining = int(query["size"])
        while remaining > 0:
            self.wfile.write(b"x" * min(remaining, 65536))
            remaining -= 65536

    def get_lying(self, rest, query) -> None:  # ?declared=&actual=: Content-Length says one thing, body another
        self.send_response(200)
        self.send_header("Content-Length", query["declared"])
        self.end_headers()
        self.wfile.write(b"%PDF-" + b"x" * (int(query["actual"]) - 5))

    def get_stall(self, rest, query) -> None:  # ?declared=: headers promise a body that never comes
        self.send_response(200)
        self.send_header("Content-Length", query["declared"])
        self.end_headers()
        self.wfile.flush()
        self.server.stopping.wait(5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[str] = []
        self.stopping = threading.Event()


class FileServer:
    def __init__(self, server: _Server, scheme: str):
        self._server = server
        self.port = server.server_address[1]
        self.base_url = f"{scheme}://127.0.0.1:{self.port}"

    @property
    def hits(self) -> list[str]:
        """Paths requested so far, in order."""
        return self._server.hits

    def url(self, path: str) -> str:
        return self.base_url + path

    def publish(self, name: str, body: bytes, content_type: str = "application/octet-stream") -> str:
        """Serve body at /files/<name> from now on; returns its URL."""
        FILES[name] = (body, content_type)
        return self.url(f"/files/{name}")

    def get(self, name: str) -> bytes:
        return FILES[name][0]


@contextmanager
def serve_files(tls: tuple[Path, Path] | None = None) -> Iterator[FileServer]:
    """Serve on 127.0.0.1, an ephemeral port; tls=(certfile, keyfile) for HTTPS."""
    server = _Server()
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield FileServer(server, "https" if tls else "http")
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class ScriptedDns:
    """A resolver that answers from a script: host -> a list of answers, one per lookup (the last repeats)."""

    def __init__(self, script: dict[str, list[list[str]]]):
        self.script = script
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        answers = self.script.get(host)
        if answers is None:
            raise OSError(f"{host}: name or service not known")
        answer = answers[min(self.lookups.count(host), len(answers) - 1)]
        self.lookups.append(host)
        return answer


class LoopbackInternet(httpcore.NetworkBackend):
    """Connections to the mapped public IPs reach loopback ports; any other address fails the test."""

    def __init__(self, routes: dict[str, int] | None = None):
        self.routes = routes or {}
        self.connects: list[str] = []
        self._local = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.connects.append(host)
        if host not in self.routes:
            raise AssertionError(f"a connection to {host}:{port} was attempted; it must have been refused before")
        return self._local.connect_tcp("127.0.0.1", self.routes[host], timeout, local_address, socket_options)
