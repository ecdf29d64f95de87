"""What a partner needs to make and ship one job, read once for its page, its packing slip and its label:
each item with its product's name and spec, its print files as Platen's signed links (never the merchant's
original URL), and the code the packing table scans."""

from __future__ import annotations

from dataclasses import dataclass, field

from platen.catalog.browse import detailed, dimensions_mm
from platen.catalog.models import Product
from platen.catalog.services import product_names as catalog_names
from platen.orders.models import OrderItem
from platen.preflight.downloads import file_link
from platen.production.models import ProductionJob

# Attributes that only repeat what the product's name says.
SKIPPED_ATTRIBUTES = {"ProductType"}


@dataclass
class PrintFile:
    type: str  # default, front, back, ...
    kind: str  # what was stored: pdf, png, jpeg, ...
    link: str | None  # None until the file was fetched and stored


@dataclass
class Line:
    item: OrderItem
    name: str
    spec: list[str] = field(default_factory=list)
    files: list[PrintFile] = field(default_factory=list)

    @property
    def code(self) -> str:
        """What the packing slip's barcode carries and the packing step expects: the item's Platen id (unique
        across every order, so an item of another order is never taken for this one)."""
        return str(self.item.pk)


def product_names(items) -> list[str]:
    """The distinct product names of `items`, in their order (the catalog's names, else the uid)."""
    items = list(items)
    known = catalog_names(i.product_uid for i in items)
    return list(dict.fromkeys(known.get(i.product_uid) or i.product_uid or i.store_product_variant_id for i in items))


def lines(job: ProductionJob) -> list[Line]:
    """The order's items to make (ignored items are not produced), in their order."""
    items = list(job.order.items.filter(is_ignored=False).prefetch_related("files").order_by("position"))
    products = {p.uid: p for p in detailed(Product.objects.filter(uid__in={i.product_uid for i in items}))}
    return [Line(item=i, name=_name(products.get(i.product_uid), i), spec=_spec(products.get(i.product_uid), i),
                 files=[PrintFile(f.type, f.detected_type, file_link(f.content_sha256, f.detected_type, absolute=False))
                        for f in i.files.all()])
            for i in items]


def _name(product: Product | None, item: OrderItem) -> str:
    return product.name if product else (item.product_uid or item.store_product_variant_id or "Unknown product")


def _spec(product: Product | None, item: OrderItem) -> list[str]:
    if product is None:
        return []
    measures = dimensions_mm(product)
    spec = []
    if "Width" in measures and "Height" in measures:
        spec.append(f"Size: {_mm(measures['Width'])} × {_mm(measures['Height'])} mm")
    spec += [f"{link.attribute.title}: {link.value.title}" for link in product.attribute_links.all()
             if link.attribute.uid not in SKIPPED_ATTRIBUTES]
    if item.page_count:
        spec.append(f"Pages: {item.page_count}")
    return spec


def _mm(value) -> str:
    return f"{value:f}".rstrip("0").rstrip(".")
