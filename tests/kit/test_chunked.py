"""Chunked bodies without a server that can de-chunk them are refused (411), never read as empty."""

import io
import json

from platen.kit.chunked import ChunkedBodies


def test_refused_with_411_when_the_server_cannot_say_where_the_body_ends():
    called, answer = [], {}
    app = ChunkedBodies(lambda environ, start_response: called.append(environ))
    body = app({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(b"5\r\nhello\r\n0\r\n\r\n")},
               lambda status, headers: answer.update(status=status, headers=dict(headers)))
    assert called == [] and answer["status"] == "411 Length Required"
    assert json.loads(b"".join(body))["code"] == "length_required"


def test_read_whole_when_the_server_de_chunks():
    seen = []
    app = ChunkedBodies(lambda environ, start_response: seen.append((environ["CONTENT_LENGTH"], environ["wsgi.input"].read())))
    app({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True, "wsgi.input": io.BytesIO(b'{"a": 1}')}, None)
    assert seen == [("8", b'{"a": 1}')]
