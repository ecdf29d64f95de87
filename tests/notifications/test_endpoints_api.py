"""POST/GET/DELETE /v4/webhooks: validation with the one error shape, the secret shown once, tenant isolation."""

import uuid

import pytest

from platen.notifications import signing
from platen.notifications.models import Endpoint
from tests.notifications.conftest import PUBLIC_HOOKS

pytestmark = pytest.mark.django_db


def test_create_shows_the_secret_once_and_stores_it_encrypted(api):
    response = api.post("/v4/webhooks", {"url": f"{PUBLIC_HOOKS}/platen", "events": ["order_status_updated"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == f"{PUBLIC_HOOKS}/platen" and body["events"] == ["order_status_updated"]
    assert body["active"] is True and body["kind"] == "url" and body["secret"].startswith("whsec_")
    assert signing.secret_problem(body["secret"]) is None
    stored = Endpoint.objects.get(pk=body["id"])
    assert body["secret"] not in stored.secret_encrypted and signing.decrypt(stored.secret_encrypted) == body["secret"]
    listed = api.get("/v4/webhooks").json()["webhooks"]
    assert [w["id"] for w in listed] == [body["id"]] and listed[0]["secret"] is None


def test_own_secret_is_kept(api):
    secret = signing.new_secret()
    body = api.post("/v4/webhooks", {"url": f"{PUBLIC_HOOKS}/a", "events": ["order_status_updated"], "secret": secret}).json()
    assert body["secret"] == secret


@pytest.mark.parametrize("payload, fields", [
    ({"url": "ftp://example.com/x", "events": ["order_status_updated"]}, ["url"]),
    ({"url": "not a url", "events": ["order_status_updated"]}, ["url"]),
    ({"url": f"{PUBLIC_HOOKS}/", "events": []}, ["events"]),
    ({"url": f"{PUBLIC_HOOKS}/", "events": ["order_status_updated", "order_exploded"]}, ["events[1]"]),
    ({"url": f"{PUBLIC_HOOKS}/", "events": ["order_status_updated"], "secret": "hunter2"}, ["secret"]),
    ({"url": "mailto:not-an-address", "events": ["order_status_updated"]}, ["url"]),
    ({"events": ["order_status_updated"]}, ["url"]),
])
def test_validation_errors_name_the_field(api, payload, fields):
    response = api.post("/v4/webhooks", payload)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_request" and [d["field"] for d in body["details"]] == fields
    assert all(d["message"].endswith(".") for d in body["details"])
    assert not Endpoint.objects.exists()


def test_private_addresses_are_refused_in_production(api, settings):
    import dataclasses

    settings.PLATEN = dataclasses.replace(settings.PLATEN, fetch_allow_private=False)
    # The check each postback attempt makes, at registration: other spellings of loopback, names that resolve
    # inside, IPv4-mapped IPv6, the metadata address.
    for url, said in [("http://127.0.0.1:8080/", "127.0.0.1 is a loopback address"), ("http://10.0.0.5/hook", "a private network address"),
                      ("http://localhost/hook", "localhost points to"), ("http://127.1/", "127.1 points to 127.0.0.1"),
                      ("http://0x7f000001/", "points to 127.0.0.1"), ("http://2130706433/x", "points to 127.0.0.1"),
                      ("http://[::ffff:127.0.0.1]/", "an IPv4-mapped IPv6 address"),
                      ("http://169.254.169.254/latest/meta-data", "a link-local address"), ("http://0/", "the unspecified address")]:
        response = api.post("/v4/webhooks", {"url": url, "events": ["order_status_updated"]})
        assert response.status_code == 400, url
        [detail] = response.json()["details"]
        assert detail["field"] == "url" and said in detail["message"] and "never connects there" in detail["message"], url
    assert not Endpoint.objects.exists()


def test_loopback_is_allowed_where_fetching_from_it_is_but_never_the_metadata_address(api, loopback_fetching):
    assert api.post("/v4/webhooks", {"url": "http://127.1:9/hook", "events": ["order_status_updated"]}).status_code == 201
    response = api.post("/v4/webhooks", {"url": "http://169.254.169.254/", "events": ["order_status_updated"]})
    assert response.status_code == 400 and "link-local" in response.json()["details"][0]["message"]


def test_email_endpoint_has_no_secret(api):
    body = api.post("/v4/webhooks", {"url": "mailto:orders@shop.example", "events": ["order_status_updated"]}).json()
    assert body["kind"] == "email" and body["secret"] is None


def test_delete(api):
    created = api.post("/v4/webhooks", {"url": f"{PUBLIC_HOOKS}/", "events": ["order_status_updated"]}).json()
    assert api.delete(f"/v4/webhooks/{created['id']}").status_code == 204
    assert api.get("/v4/webhooks").json()["webhooks"] == []
    assert api.delete(f"/v4/webhooks/{created['id']}").status_code == 404


def test_other_accounts_endpoints_are_not_found(api, other_api):
    theirs = other_api.post("/v4/webhooks", {"url": f"{PUBLIC_HOOKS}/other", "events": ["order_status_updated"]}).json()
    base = f"/v4/webhooks/{theirs['id']}"
    assert api.get("/v4/webhooks").json()["webhooks"] == []
    for method, path in [("delete", base), ("post", base + ":test"), ("post", base + ":enable"), ("get", base + "/deliveries"),
                         ("post", f"{base}/deliveries/{uuid.uuid4()}:replay")]:
        response = api.call(method, path)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "endpoint_not_found"
    assert Endpoint.objects.filter(pk=theirs["id"]).exists()


def test_needs_a_key(anonymous_api):
    assert anonymous_api.get("/v4/webhooks").status_code == 401
