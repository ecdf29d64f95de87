"""Chunked request bodies, read for real.

Django reads a request body up to CONTENT_LENGTH and treats a missing one as 0, so a body sent with
`Transfer-Encoding: chunked` (no Content-Length) looked empty. The WSGI server (gunicorn) de-chunks
`wsgi.input` and marks it `wsgi.input_terminated`; this wrapper reads it, at most one byte past the size
limit, and hands Django a body with its length. A body past the limit keeps that length, so Django refuses
it as too large (413) exactly as it does one with a Content-Length.
"""

from __future__ import annotations

import io
import json

from django.conf import settings

from platen.kit.errors import for_status

CHUNK = 64 * 1024


class ChunkedBodies:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() and not environ.get("CONTENT_LENGTH"):
            if not environ.get("wsgi.input_terminated"):
                return _length_required(start_response)
            body = _read(environ["wsgi.input"], settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.application(environ, start_response)


def _read(stream, limit: int | None) -> bytes:
    """The whole body, or its first limit + 1 bytes when it is longer."""
    parts, size = [], 0
    while limit is None or size <= limit:
        part = stream.read(CHUNK if limit is None else min(CHUNK, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _length_required(start_response):
    # A server that cannot say where a chunked body ends: refuse it rather than read it as empty.
    body = json.dumps(for_status(411).as_dict()).encode()
    start_response("411 Length Required", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
