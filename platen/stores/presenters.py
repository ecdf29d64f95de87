"""Stores as the API shows them (wire names). Never the token or the webhook secret."""

from __future__ import annotations

from django.db.models import Count

from platen.stores.models import ShippingMethodMapping, SkuMapping, Store, StoreOrder, StoreStatusChange
from platen.stores.services.setup import webhook_url
from platen.stores.statuses import Bucket, StoreStatus


def order_counts(store_ids) -> dict:
    """{store id: {"imported": n, "waiting": n, "skipped": n}} in one query."""
    counts = {sid: {b.value: 0 for b in Bucket} for sid in store_ids}
    rows = StoreOrder.objects.filter(store_id__in=list(store_ids)).values("store_id", "bucket").annotate(n=Count("id"))
    for row in rows:
        counts.setdefault(row["store_id"], {b.value: 0 for b in Bucket})[row["bucket"]] = row["n"]
    return counts


def store(s: Store, counts: dict | None = None) -> dict:
    if counts is None:
        counts = order_counts([s.pk])[s.pk]
    return {
        "id": str(s.pk), "platform": s.platform, "domain": s.domain, "name": s.name or s.domain,
        "status": s.status, "statusReason": s.status_reason, "statusChangedAt": s.status_changed_at,
        "connectedAt": s.connected_at, "importNotConnectedOrders": s.import_not_connected,
        "pullIntervalMinutes": s.pull_interval_minutes, "lastPulledAt": s.last_pulled_at,
        "nextPullAt": s.next_pull_at if s.status == StoreStatus.ACTIVE else None, "lastPullError": s.last_pull_error,
        "lastWebhookAt": s.last_webhook_at, "webhookUrl": webhook_url(s), "apiBaseUrl": s.api_base_url,
        "orderCounts": counts,
    }


def stores(rows) -> list[dict]:
    rows = list(rows)
    counts = order_counts([s.pk for s in rows])
    return [store(s, counts[s.pk]) for s in rows]


def status_change(c: StoreStatusChange) -> dict:
    return {"status": c.status, "reason": c.reason, "actor": c.actor_label, "at": c.at}


def store_order(o: StoreOrder) -> dict:
    return {
        "id": str(o.pk), "externalId": o.external_id, "number": o.number, "placedAt": o.placed_at,
        "storeStatus": o.store_status, "bucket": o.bucket, "reasonCode": o.reason_code, "reason": o.reason,
        "orderId": str(o.order_id) if o.order_id else None, "seenVia": o.seen_via, "lastSeenAt": o.last_seen_at,
    }


def sku_mapping(m: SkuMapping) -> dict:
    return {"sku": m.sku, "productUid": m.product_uid, "files": list(m.files), "createdAt": m.created_at}


def shipping_mapping(m: ShippingMethodMapping) -> dict:
    return {"storeMethod": m.store_method, "shipmentMethodUid": m.shipment_method_uid, "createdAt": m.created_at}
