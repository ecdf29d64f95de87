"""A small client of the order API, as a merchant's program written for the original would be: httpx, the
X-API-KEY header, the reference's paths, and every answer read into the reference's shapes (tests/contract/shapes.py)
with the status code the reference gives. Any drift raises."""

from __future__ import annotations

from typing import TypeVar

import httpx
from pydantic import BaseModel

from tests.contract import shapes

M = TypeVar("M", bound=BaseModel)


class Drift(AssertionError):
    """The server answered something the reference does not allow."""


class OrderApiClient:
    def __init__(self, base_url: str, key: str | None):
        headers = {"X-API-KEY": key} if key else {}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=30)

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, status: int | tuple[int, ...], shape: type[M] | None, **kw) -> M | httpx.Response:
        response = self.http.request(method, path, **kw)
        allowed = status if isinstance(status, tuple) else (status,)
        if response.status_code not in allowed:
            raise Drift(f"{method} {path} answered {response.status_code}, the reference says {status}: {response.text[:800]}")
        if shape is None:
            return response
        try:
            return shape.model_validate_json(response.content)
        except ValueError as exc:
            raise Drift(f"{method} {path}: the answer is not the reference's {shape.__name__}: {exc}") from None

    def error(self, method: str, path: str, status: int | tuple[int, ...], **kw) -> shapes.Error:
        return self.call(method, path, status, shapes.Error, **kw)

    # ---- orders ----------------------------------------------------------------------------------------------

    def create_order(self, body: dict, idempotency_key: str | None = None) -> shapes.Order:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return self.call("POST", "/v4/orders", 200, shapes.Order, json=body, headers=headers)

    def get_order(self, order_id: str) -> shapes.Order:
        return self.call("GET", f"/v4/orders/{order_id}", 200, shapes.Order)

    def search_orders(self, **filters) -> shapes.SearchResult:
        return self.call("POST", "/v4/orders:search", 200, shapes.SearchResult, json=filters)

    def quote(self, body: dict) -> shapes.Quotes:
        return self.call("POST", "/v4/orders:quote", 200, shapes.Quotes, json=body)

    def cancel(self, order_id: str) -> shapes.Order:
        return self.call("POST", f"/v4/orders/{order_id}:cancel", 200, shapes.Order)

    def patch_draft(self, order_id: str, changes: dict) -> shapes.Order:
        return self.call("PATCH", f"/v4/orders/{order_id}", 200, shapes.Order, json=changes)

    def delete_draft(self, order_id: str) -> None:
        # The reference gives no code for a delete; 200, like every other success, suits every client.
        self.call("DELETE", f"/v4/orders/{order_id}", (200,), None)

    def set_shipping_address(self, order_id: str, address: dict) -> shapes.Order:
        return self.call("PUT", f"/v4/orders/{order_id}/shipping-address", 200, shapes.Order, json=address)

    # ---- catalog, prices, stock, shipment methods ------------------------------------------------------------

    def catalogs(self) -> list[shapes.CatalogSummary]:
        return self.call("GET", "/v3/catalogs", 200, shapes.Catalogs).root

    def catalog(self, catalog_uid: str) -> shapes.Catalog:
        return self.call("GET", f"/v3/catalogs/{catalog_uid}", 200, shapes.Catalog)

    def search_products(self, catalog_uid: str, attribute_filters: dict | None = None, limit: int = 50, offset: int = 0) -> shapes.ProductSearch:
        body = {"attributeFilters": attribute_filters or {}, "limit": limit, "offset": offset}
        return self.call("POST", f"/v3/catalogs/{catalog_uid}/products:search", 200, shapes.ProductSearch, json=body)

    def product(self, product_uid: str) -> shapes.Product:
        return self.call("GET", f"/v3/products/{product_uid}", 200, shapes.Product)

    def prices(self, product_uid: str, **params) -> list[shapes.Price]:
        return self.call("GET", f"/v3/products/{product_uid}/prices", 200, shapes.Prices, params=params).root

    def stock(self, product_uids: list[str]) -> shapes.Stock:
        return self.call("POST", "/v3/stock/region-availability", 200, shapes.Stock, json={"products": product_uids})

    def shipment_methods(self, country: str | None = None) -> shapes.ShipmentMethods:
        params = {"country": country} if country else {}
        return self.call("GET", "/v1/shipment-methods", 200, shapes.ShipmentMethods, params=params)
