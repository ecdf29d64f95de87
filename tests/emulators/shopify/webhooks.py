"""The Shopify emulator's webhooks: REST shapes of orders and products (webhook bodies), signed deliveries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from tests.emulators.shopify.state import Delivery, Fulfillment, Line, Order, gid


class WebhookSending:
    """The ShopifyEmulator's webhook side: REST bodies, signed deliveries to subscriptions."""

    # REST shapes (webhook bodies) ------------------------------------------------------------------

    def _local(self, moment: datetime | None) -> str | None:
        return None if moment is None else moment.astimezone(self.tz).isoformat()

    def rest_line(self, order: Order, line: Line) -> dict:
        return {
            "id": line.id, "admin_graphql_api_id": gid("LineItem", line.id), "fulfillable_quantity": line.quantity - line.fulfilled,
            "fulfillment_service": "manual", "fulfillment_status": None if not line.fulfilled else
            ("fulfilled" if line.fulfilled >= line.quantity else "partial"), "gift_card": False, "grams": 200,
            "name": line.name, "price": str(line.price), "product_exists": line.product_id in self.products,
            "product_id": line.product_id, "properties": [dict(p) for p in line.properties], "quantity": line.quantity,
            "requires_shipping": True, "sku": line.sku or None, "taxable": True, "title": line.title,
            "total_discount": "0.00", "variant_id": line.variant_id, "variant_inventory_management": "shopify",
            "variant_title": line.variant_title or None, "vendor": line.vendor, "tax_lines": [], "discount_allocations": [],
        }

    def rest_order(self, order_id: int) -> dict:
        """The order as webhooks carry it: the REST resource, unwrapped (the field set of fixtures/shopify/order.json)."""
        order = self.orders[int(order_id)]
        subtotal = sum((line.price * line.quantity for line in order.lines), Decimal("0.00"))
        address = dict(order.shipping_address) if order.shipping_address else None
        return {
            "id": order.id, "admin_graphql_api_id": gid("Order", order.id), "buyer_accepts_marketing": False,
            "cancel_reason": order.cancel_reason, "cancelled_at": self._local(order.cancelled_at),
            "cart_token": uuid.uuid5(uuid.NAMESPACE_OID, f"cart{order.id}").hex, "checkout_id": order.id + 1,
            "checkout_token": uuid.uuid5(uuid.NAMESPACE_OID, f"checkout{order.id}").hex,
            "closed_at": self._local(order.closed_at), "confirmed": True, "contact_email": order.email,
            "created_at": self._local(order.created_at), "currency": order.currency, "email": order.email,
            "financial_status": order.financial_status, "fulfillment_status": order.rest_fulfillment_status,
            "gateway": "bogus", "landing_site": "/", "landing_site_ref": None, "location_id": None, "name": order.name,
            "note": order.note, "number": order.number - 1000, "order_number": order.number, "phone": order.phone or None,
            "presentment_currency": order.currency, "processed_at": self._local(order.created_at),
            "processing_method": "direct", "reference": None, "referring_site": "", "source": None,
            "source_name": "web", "subtotal_price": str(subtotal), "taxes_included": False, "test": False, "tags": "",
            "token": uuid.uuid5(uuid.NAMESPACE_OID, f"token{order.id}").hex, "total_discounts": "0.00",
            "total_line_items_price": str(subtotal), "total_price": str(order.total), "total_price_usd": str(order.total),
            "total_tax": "0.00", "total_weight": 200 * sum(line.quantity for line in order.lines),
            "updated_at": self._local(order.updated_at), "user_id": None, "browser_ip": None,
            "discount_codes": [], "note_attributes": [dict(a) for a in order.note_attributes],
            "payment_gateway_names": ["bogus"], "tax_lines": [],
            "line_items": [self.rest_line(order, line) for line in order.lines],
            "shipping_lines": [{"id": s.get("id"), "code": s.get("code"), "price": s.get("price", "0.00"),
                                "source": s.get("source"), "title": s["title"], "carrier_identifier": None,
                                "discounted_price": s.get("price", "0.00"), "tax_lines": []} for s in order.shipping_lines],
            "payment_details": {"avs_result_code": None, "credit_card_bin": "1", "cvv_result_code": None,
                                "credit_card_number": "•••• •••• •••• 1", "credit_card_company": "Bogus"},
            "billing_address": address, "shipping_address": address,
            "fulfillments": [self.rest_fulfillment(f) for f in order.fulfillments],
            "client_details": {"accept_language": None, "browser_ip": None, "session_hash": None, "user_agent": None},
            "customer": {"id": order.customer_id, "email": order.email, "accepts_marketing": False,
                         "created_at": self._local(order.created_at), "updated_at": self._local(order.created_at),
                         "first_name": (address or {}).get("first_name"), "last_name": (address or {}).get("last_name"),
                         "orders_count": 1, "state": "disabled", "total_spent": str(order.total), "last_order_id": order.id,
                         "note": None, "verified_email": True, "multipass_identifier": None, "tags": "",
                         "last_order_name": order.name, "default_address": address},
        }

    def rest_fulfillment(self, fulfillment: Fulfillment) -> dict:
        order = self.orders[fulfillment.order_id]
        tracking = fulfillment.tracking[0] if fulfillment.tracking else {}
        lines = {line.id: line for line in order.lines}
        return {
            "id": fulfillment.id, "admin_graphql_api_id": gid("Fulfillment", fulfillment.id), "order_id": order.id,
            "status": fulfillment.status.lower(), "service": "manual", "created_at": self._local(fulfillment.created_at),
            "updated_at": self._local(fulfillment.updated_at), "tracking_company": tracking.get("company"),
            "tracking_number": tracking.get("number"), "tracking_numbers": [t["number"] for t in fulfillment.tracking if t.get("number")],
            "tracking_url": tracking.get("url"), "tracking_urls": [t["url"] for t in fulfillment.tracking if t.get("url")],
            "line_items": [dict(self.rest_line(order, lines[line_id]), quantity=qty) for line_id, qty in fulfillment.lines],
        }

    def rest_product(self, product_id: int) -> dict:
        """The product as products/create|update webhooks carry it (fixtures/shopify/product.json, unwrapped)."""
        product = self.products[int(product_id)]
        names = list(product.variants[0].options) if product.variants else ["Title"]
        return {
            "id": product.id, "admin_graphql_api_id": gid("Product", product.id), "title": product.title, "body_html": "",
            "vendor": product.vendor, "product_type": product.product_type, "handle": product.handle, "tags": "",
            "status": product.status.lower(), "created_at": self._local(product.created_at),
            "updated_at": self._local(product.updated_at), "published_at": self._local(product.created_at),
            "template_suffix": None, "published_scope": "web", "images": [], "image": None,
            "options": [{"id": i + 1, "product_id": product.id, "name": name, "position": i + 1,
                         "values": sorted({v.options.get(name, "") for v in product.variants})} for i, name in enumerate(names)],
            "variants": [{
                "id": v.id, "admin_graphql_api_id": gid("ProductVariant", v.id), "product_id": product.id, "title": v.title,
                "price": str(v.price), "sku": v.sku, "position": i + 1, "inventory_policy": "deny", "compare_at_price": None,
                "fulfillment_service": "manual", "inventory_management": None, "taxable": True, "grams": 200,
                "requires_shipping": True, "created_at": self._local(product.created_at),
                "updated_at": self._local(product.updated_at),
                **{f"option{n + 1}": v.options.get(names[n]) if n < len(names) else None for n in range(3)},
            } for i, v in enumerate(product.variants)],
        }

    def privacy_payload(self, topic: str, order_ids: Iterable[int] = (), email: str = "ada@example.com") -> dict:
        """customers/data_request, customers/redact or shop/redact bodies, as Shopify documents them."""
        shop = {"shop_id": self.shop_id, "shop_domain": self.domain}
        ids = [int(i) for i in order_ids]
        customer = {"id": 207119551, "email": email, "phone": "555-625-1199"}
        if topic == "shop/redact":
            return shop
        if topic == "customers/redact":
            return {**shop, "customer": customer, "orders_to_redact": ids}
        if topic == "customers/data_request":
            return {**shop, "customer": customer, "orders_requested": ids, "data_request": {"id": 9999}}
        raise ValueError(topic)

    # Webhooks --------------------------------------------------------------------------------------

    def send_webhook(self, topic: str, body: dict | list | bytes, target_url: str, secret: str | None = None, *,
                     event_id: str | None = None, webhook_id: str | None = None, hmac_header: str | None = None,
                     timeout: float = 30.0) -> Delivery:
        """POST one delivery as Shopify does (compact JSON, every X-Shopify-* header, HMAC over the raw bytes).
        hmac_header overrides the signature (forgeries); "" leaves the header out."""
        raw = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        digest = base64.b64encode(hmac.new((self.secret if secret is None else secret).encode(), raw, hashlib.sha256).digest()).decode()
        headers = {
            "Content-Type": "application/json", "User-Agent": "Shopify-Captain-Hook", "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": digest if hmac_header is None else hmac_header, "X-Shopify-Shop-Domain": self.domain,
            "X-Shopify-API-Version": "2026-01", "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        }
        if hmac_header == "":
            del headers["X-Shopify-Hmac-Sha256"]
        delivery = Delivery(target_url, headers, raw)
        return self.resend(delivery, timeout=timeout)

    def resend(self, delivery: Delivery, *, timeout: float = 30.0) -> Delivery:
        """Shopify's retry of a delivery: the same ids, the same bytes."""
        request = urllib.request.Request(delivery.url, data=delivery.body, headers=delivery.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                delivery.status, delivery.answer = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            delivery.status, delivery.answer = error.code, error.read()
        self.deliveries.append(delivery)
        return delivery

    def webhook_body(self, topic: str, resource_id: int | None = None) -> dict:
        if topic.startswith("orders/"):
            return self.rest_order(resource_id)
        if topic == "products/delete":
            return {"id": resource_id}
        if topic.startswith("products/"):
            return self.rest_product(resource_id)
        if topic == "app/uninstalled":
            return {"id": self.shop_id, "name": "Platen Demo", "email": "owner@example.com", "domain": self.domain,
                    "myshopify_domain": self.domain, "plan_name": "basic", "currency": self.currency}
        return self.privacy_payload(topic)

    def emit(self, topic: str, resource_id: int | None = None) -> list[Delivery]:
        """An event in the store: one delivery (one event id) to every subscription of the topic."""
        body = self.webhook_body(topic, resource_id)
        event_id = str(uuid.uuid4())
        return [self.send_webhook(topic, body, sub.uri, event_id=event_id)
                for sub in list(self.subscriptions) if sub.rest_topic == topic]
