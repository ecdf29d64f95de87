"""Production jobs as partners read them (GET /v4/partner/jobs and the answer to a status report).

Everything about the order is read live from the order (status, address, items), so what a merchant changes
shows in the partner's next read. Print files are Platen's signed links to the stored, checked copies.
"""

from __future__ import annotations

from platen.catalog import snapshot
from platen.catalog.models import Product
from platen.orders import presenters as orders
from platen.orders.models import OrderItem
from platen.orders.statuses import Fulfillment
from platen.preflight.downloads import file_link
from platen.production.models import ProductionJob


def jobs(rows: list[ProductionJob]) -> list[dict]:
    """Many jobs (rows come with their items and files prefetched: services/partner_feed)."""
    products = _products({i.product_uid for j in rows for i in j.order.items.all() if i.product_uid})
    return [job(j, products) for j in rows]


def job(j: ProductionJob, products: dict[str, Product] | None = None) -> dict:
    order = j.order
    items = [i for i in order.items.all() if not i.is_ignored]
    if products is None:
        products = _products({i.product_uid for i in items if i.product_uid})
    service = j.carrier_service
    return {
        "orderId": str(order.id),
        "orderReferenceId": order.order_reference_id,
        "status": order.fulfillment_status,
        "canceled": order.fulfillment_status == Fulfillment.CANCELED,
        "dueDate": j.due_date,
        "routedAt": j.routed_at,
        "updatedAt": max(j.updated_at, order.updated_at),
        "facility": {"id": str(j.facility.id), "code": j.facility.code, "name": j.facility.name, "country": j.facility.country},
        "shipmentMethod": {
            "uid": order.shipment_method_uid or None, "name": order.shipment_method_name or None,
            "carrierService": {"carrier": service.carrier.code, "carrierName": service.carrier.name, "service": service.name}
            if service else None,
        },
        "shippingAddress": orders.address(order.shipping_address),
        "addressChanged": j.address_changed_at is not None,
        "addressChangedAt": j.address_changed_at,
        "items": [_item(i, products.get(i.product_uid)) for i in items],
    }


# Product specs change only with the catalog: kept per process for the catalog version they were read in (the
# cached snapshot's, platen/catalog/snapshot.py, which every catalog change bumps), so a job's answer reads no
# product row once its products were seen. (version, {uid: Product}); unknown uids are not remembered.
_known_products: tuple[str | None, dict[str, Product]] = (None, {})


def _products(uids: set[str]) -> dict[str, Product]:
    global _known_products
    version = snapshot.current().version
    cached_version, known = _known_products
    if cached_version != version:
        known = {}
        _known_products = (version, known)
    missing = uids - known.keys()
    if missing:
        known.update({p.uid: p for p in Product.objects.filter(uid__in=missing)})
    return {uid: known[uid] for uid in uids if uid in known}


def forget_products() -> None:
    """Tests: a rolled-back test must not leave its products cached."""
    global _known_products
    _known_products = (None, {})


def _item(i: OrderItem, product: Product | None) -> dict:
    return {
        "orderItemId": str(i.id),
        "itemReferenceId": i.item_reference_id,
        "productUid": i.product_uid or None,
        "product": _spec(product, i.page_count),
        "quantity": i.quantity,
        "status": i.fulfillment_status,
        "files": [{"type": f.type, "url": link} for f in i.files.all()
                  if (link := file_link(f.content_sha256, f.detected_type))],
    }


def _spec(product: Product | None, page_count: int | None) -> dict:
    if product is None:
        return {"name": None, "kind": None, "size": None, "widthMm": None, "heightMm": None, "bleedMm": None,
                "pageCount": page_count}
    width, height = _mm(product.width_mm), _mm(product.height_mm)
    return {"name": product.name, "kind": product.kind, "size": f"{width} × {height} mm", "widthMm": width,
            "heightMm": height, "bleedMm": _mm(product.bleed_mm), "pageCount": page_count if product.is_multi_page else None}


def _mm(value) -> str:
    return f"{value.normalize():f}"
