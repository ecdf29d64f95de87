"""Every client error under the API prefixes is JSON in the one error shape: never an HTML page."""

import json

import pytest

from tests.orders.factories import order_payload

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "details"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == SHAPE and body["code"] == code and body["message"]
    return body


@pytest.mark.parametrize("path", ["/v1/nothing", "/v2/nothing", "/v3/catalogs/none/at/all", "/v4/nothing", "/hooks/nothing",
                                  "/v4/orders/not-a-uuid"])
def test_unknown_paths_are_404_json(api, path):
    assert_error(api.get(path), 404, "not_found")


@pytest.mark.parametrize("method, path, allowed", [
    ("put", "/v4/orders:search", "POST"),
    ("delete", "/v4/requests", "GET"),
    ("get", "/v4/orders:quote", "POST"),
])
def test_a_wrong_method_is_405_json_with_allow(api, method, path, allowed):
    response = api.call(method, path, {})
    assert_error(response, 405, "method_not_allowed")
    assert allowed in response["Allow"]


def test_401_400_409_in_the_shape(api, anonymous_api):
    assert_error(anonymous_api.get("/v4/requests"), 401, "unauthorized")
    assert_error(api.post("/v4/orders", body="not json"), 400, "invalid_request")
    first = api.post("/v4/orders", order_payload(), headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 200
    assert_error(api.post("/v4/orders", order_payload(), headers={"Idempotency-Key": "k-1"}), 409, "idempotency_key_reused")


def test_413_in_the_shape(api):
    assert_error(api.post("/v4/orders:search", body="{" + " " * 3_000_000 + "}"), 413, "too_large")


def test_dashboard_pages_stay_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


# ---- Idempotency-Key and bodies of :cancel and :reject ------------------------------------------------------


def test_an_idempotency_key_over_255_characters_is_refused_not_cut(api):
    key = "k" * 255
    assert api.post("/v4/orders", order_payload(), headers={"Idempotency-Key": key}).status_code == 200
    # The same first 255 characters: cut, this one would have collided with the key above (409 or its order).
    body = assert_error(api.post("/v4/orders", order_payload(), headers={"Idempotency-Key": key + "x"}), 400, "invalid_request")
    assert body["details"] == [{"field": "Idempotency-Key", "message": "Use a key of at most 255 characters; this one has 256."}]
    [refused, _] = api.get("/v4/requests").json()["requests"]
    assert refused["status"] == "rejected" and refused["reasons"] == body["details"]


@pytest.mark.parametrize("action", [":cancel", ":reject"])
@pytest.mark.parametrize("body", ["[]", "5", "null", '"cancel"', "true"])
def test_cancel_and_reject_refuse_non_object_bodies(api, action, body):
    order = api.post("/v4/orders", order_payload()).json()
    response = api.post(f"/v4/orders/{order['id']}{action}", body=body)
    assert assert_error(response, 400, "invalid_request")["details"] == [{"field": "body", "message": "Send the body as a JSON object."}]
    assert api.get(f"/v4/orders/{order['id']}").json()["fulfillmentStatus"] != "canceled"


def test_cancel_still_takes_no_body_or_an_object(api):
    first, second = (api.post("/v4/orders", order_payload()).json() for _ in range(2))
    assert api.post(f"/v4/orders/{first['id']}:cancel").status_code == 200
    assert api.post(f"/v4/orders/{second['id']}:cancel", {"reason": "customer changed their mind"}).status_code == 200


# ---- files per item -----------------------------------------------------------------------------------------


def with_files(files: list[dict]) -> dict:
    payload = order_payload()
    payload["items"][0]["files"] = files
    return payload


def test_one_file_per_placement(api):
    url = "https://files.example.com/print.png"
    files = [{"type": t, "url": url} for t in ("front", "back", "front", "sleeve-left", "back")]
    body = assert_error(api.post("/v4/orders", with_files(files)), 400, "invalid_request")
    assert body["details"] == [{"field": "items[0].files", "message":
                                "Item 'poster-1' has more than one back and more than one front file; give each type (placement) one file."}]


def test_thousands_of_files_are_refused_naming_the_item(api):
    files = [{"type": "default", "url": f"https://files.example.com/{n}.png"} for n in range(20_000)]
    body = assert_error(api.post("/v4/orders", with_files(files)), 400, "invalid_request")
    assert body["details"] == [{"field": "items[0].files", "message":
                                "Item 'poster-1' has 20000 files; an item takes one file per type (placement), so at most 16."}]


def test_every_placement_once_is_accepted(api):
    types = ["front", "back", "neck-inner", "neck-outer", "sleeve-left", "sleeve-right", "embroidery-chest-left"]
    payload = with_files([{"type": t, "url": f"https://files.example.com/{t}.png"} for t in types])
    assert api.post("/v4/orders", payload).status_code == 200


def test_framework_answers_keep_their_status_and_headers(rf):
    # e.g. a throttle's 429 or a server's 411 that no Platen handler wrote: JSON, with Retry-After kept.
    from django.http import HttpResponse

    from platen.kit.apierrors import JsonErrorsMiddleware

    middleware = JsonErrorsMiddleware(lambda request: HttpResponse("Slow down", status=429, headers={"Retry-After": "30"}))
    response = middleware(rf.get("/v4/orders"))
    assert_error(response, 429, "too_many_requests")
    assert response["Retry-After"] == "30"
    assert middleware(rf.get("/orders/")).content == b"Slow down"  # dashboard pages are left alone
