"""Which store order a verified webhook body is about, read without calling the platform (StoreWebhook's
order_external_id: diagnosis finds an order's deliveries by it). Pure on purpose: migration 0004 backfills with it.

Only order topics name an order: Shopify's `orders/...` carry the order itself (its `id`); BigCommerce's
`store/order/...` carry `{"scope", "data": {"type": "order", "id"}}`. Anything else is "" (processing then records
the connector's own reading of the order's id, see services.webhooks.process).
"""

from __future__ import annotations

import json

ORDER_TOPIC_PREFIXES = ("orders/", "store/order/")


def order_external_id(topic: str, raw_body: bytes | str) -> str:
    if not topic.startswith(ORDER_TOPIC_PREFIXES):
        return ""
    try:
        body = json.loads(raw_body)
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    data = body.get("data")
    about = data if isinstance(data, dict) else body
    value = about.get("orderId") or about.get("id")
    return str(value)[:100] if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
