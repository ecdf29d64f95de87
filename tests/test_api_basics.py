"""The API's documents and its one error shape."""

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_document_lists_the_endpoints_and_the_create_schema(anonymous_api):
    doc = anonymous_api.get("/v4/openapi.json").json()
    paths = doc["paths"]
    for path in ["/v4/orders", "/v4/orders:search", "/v4/orders:quote", "/v4/orders/{order_id}", "/v4/orders/{order_id}:cancel",
                 "/v4/orders/{order_id}/events", "/v4/orders/{order_id}/shipping-address", "/v4/requests", "/v4/products"]:
        assert path in paths, path
    create = paths["/v4/orders"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create == {"$ref": "#/components/schemas/OrderCreateIn"}
    assert "shippingAddress" in doc["components"]["schemas"]["OrderCreateIn"]["properties"]
    assert "/v4/_floor" not in paths


def test_interactive_docs_are_served(anonymous_api):
    response = anonymous_api.get("/v4/docs")
    assert response.status_code == 200 and b"openapi.json" in response.content



def test_the_document_states_the_constraints_the_api_enforces(anonymous_api):
    doc = anonymous_api.get("/v4/openapi.json").json()
    schemas = doc["components"]["schemas"]
    country = schemas["AddressIn"]["properties"]["country"]
    assert (country["pattern"], country["maxLength"]) == ("^[A-Z]{2}$", 2)
    assert schemas["AddressIn"]["properties"]["firstName"]["maxLength"] == 25
    assert schemas["ItemIn"]["properties"]["files"]["maxItems"] == 16
    assert schemas["FileIn"]["properties"]["type"]["maxLength"] == 64
    [key] = [p for p in doc["paths"]["/v4/orders"]["post"]["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["schema"]["maxLength"] == 255
    delay = schemas["AccountPatch"]["properties"]["approvalDelayHours"]["anyOf"][0]
    assert (delay["type"], delay["minimum"], delay["maximum"]) == ("integer", 6, 72)
