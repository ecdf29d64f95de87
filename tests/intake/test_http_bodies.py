"""Bodies over the size limit and chunked bodies, through a real gunicorn (`platen web`) on loopback."""

import json
import socket

import httpx
import pytest

from tests.orders.factories import order_payload
from tests.webserver import platen_web

LIMIT = 2_621_440  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE, Platen's body limit


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    with platen_web(tmp_path_factory.mktemp("web")) as server:
        yield server


@pytest.fixture
def client(web):
    with httpx.Client(base_url=web.url, headers=web.headers, timeout=30) as client:
        yield client


def chunks(data: bytes, size: int = 1000):
    """A generator body: httpx sends it with Transfer-Encoding: chunked and no Content-Length."""
    for start in range(0, len(data), size):
        yield data[start:start + size]


def latest_request(client) -> dict:
    listed = client.get("/v4/requests", params={"limit": 1}).json()["requests"][0]
    return client.get(f"/v4/requests/{listed['id']}").json()


def test_a_body_over_the_limit_is_413_in_the_error_shape_and_recorded_without_it(client):
    response = client.post("/v4/orders", content=b'{"x": "' + b"a" * LIMIT + b'"}', headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large" and set(response.json()) == {"code", "message", "details"}
    recorded = latest_request(client)
    assert recorded["status"] == "rejected" and recorded["body"] == ""
    assert recorded["reasons"] == [{"field": "body", "message": "Send at most 2,621,440 bytes."}]


def test_a_chunked_order_is_read_and_becomes_an_order(client):
    payload = order_payload()
    body = httpx.Request("POST", "/", json=payload).content
    response = client.post("/v4/orders", content=chunks(body), headers={"Content-Type": "application/json"})
    assert response.is_success, response.text
    assert response.json()["orderReferenceId"] == payload["orderReferenceId"]
    assert latest_request(client)["body"] == body.decode()


def test_a_chunked_body_over_the_limit_is_413(client):
    response = client.post("/v4/orders", content=chunks(b"[" + b"1," * LIMIT + b"1]", 64 * 1024),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert latest_request(client)["status"] == "rejected"


def test_a_chunked_non_object_is_refused_not_read_as_empty(client):
    order = client.post("/v4/orders", json=order_payload()).json()
    response = client.post(f"/v4/orders/{order['id']}:cancel", content=chunks(b"[1, 2, 3]", 2))
    assert response.status_code == 400 and response.json()["details"][0]["field"] == "body"
    assert client.get(f"/v4/orders/{order['id']}").json()["fulfillmentStatus"] != "canceled"


def test_raw_chunked_http_to_search(web, client):
    # Byte for byte, as a client without an HTTP library would send it: the filter in the chunks applies.
    order = client.post("/v4/orders", json=order_payload()).json()
    body = f'{{"orderReferenceIds": ["{order["orderReferenceId"]}"]}}'.encode()
    request = (f"POST /v4/orders:search HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: {web.key}\r\n"
               "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    request += f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    host, port = web.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert [o["id"] for o in json.loads(payload)["orders"]] == [order["id"]]
