"""Load the catalog from a YAML file (default: data/catalog.yaml shipped with Platen), idempotently.

What the file lists wins: customs zones, regions, catalogs, product attributes (and their values), shipment
methods and products are upserted by code/uid; a product's prices, price breaks, availability, attribute values
and dimensions and a method's rates mirror the file, and the rule tables (restrictions, quantity limits,
cross-border requirements) are replaced by the file's. Rows the file does not name (a product added in the
admin) are kept. Everything happens in one transaction with one catalog version bump.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.db import transaction

from platen.catalog import models as m
from platen.catalog.signals import one_change
from platen.kit import yamlfile
from platen.kit.errors import InvalidRequest

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "catalog.yaml"
SECTIONS = {
    "customs_zones", "regions", "products", "shipment_methods", "restrictions", "quantity_limits", "cross_border",
    "catalogs", "product_attributes",
    "vat_rates",
}  # plus any "x-..." section, free for YAML anchors
PRODUCT_KEYS = {
    "uid", "kind", "name", "size_mm", "bleed_mm", "file_types", "min_ppi", "sides", "pages", "weight_g", "personalizable",
    "max_quantity", "prices", "price_per_extra_page", "regions", "out_of_stock",
    "catalog", "attributes", "price_breaks", "dimensions_mm",
}


def load_catalog(path: str | Path | None = None) -> str:
    """Apply the file to the database and return a one-line summary."""
    source = Path(path) if path else DEFAULT_PATH
    data = yamlfile.read_sections(source, "catalog", SECTIONS, DEFAULT_PATH.name)
    counts: Counter = Counter()
    with transaction.atomic(), one_change():
        zones = _zones(data, counts)
        regions = _regions(data, zones, counts)
        catalogs = _catalogs(data, counts)
        values = _attributes(data, counts)
        products = _products(data, regions, catalogs, values, counts)
        _methods(data, regions, counts)
        _restrictions(data, products, counts)
        _quantity_limits(data, counts)
        _requirements(data, counts)
        _vat_rates(data, counts)
    return (
        f"catalog loaded from {source.name}: {counts['product']} products "
        f"({counts['product created']} new, {counts['product updated']} changed), {counts['price']} prices, "
        f"{counts['catalog']} catalogs, {counts['attribute']} product attributes, "
        f"{counts['region']} regions, {counts['zone']} customs zones, {counts['method']} shipment methods, {counts['rate']} rates, "
        f"{counts['restriction']} restrictions, {counts['limit']} quantity limits, "
        f"{counts['requirement']} cross-border requirements, {counts['vat']} VAT rates"
    )


def _zones(data: dict, counts: Counter) -> dict[str, m.CustomsZone]:
    existing = {z.code: z for z in m.CustomsZone.objects.all()}
    for entry in yamlfile.mappings(data, "customs_zones", "the catalog file"):
        where = f"customs zone {entry.get('code')}"
        zone = existing.get(entry["code"]) or m.CustomsZone(code=entry["code"])
        yamlfile.save(zone, where, name=entry.get("name", entry["code"]), countries=entry.get("countries", []))
        existing[zone.code] = zone
        counts["zone"] += 1
    return existing


def _regions(data: dict, zones: dict, counts: Counter) -> dict[str, m.Region]:
    existing = {r.code: r for r in m.Region.objects.all()}
    for entry in yamlfile.mappings(data, "regions", "the catalog file"):
        where = f"region {entry.get('code')}"
        zone = zones.get(entry.get("customs_zone"))
        if zone is None:
            raise InvalidRequest(f"{where}: customs_zone {entry.get('customs_zone')!r} is not defined; add it to customs_zones.")
        region = existing.get(entry["code"]) or m.Region(code=entry["code"])
        yamlfile.save(region, where, name=entry.get("name", entry["code"]), countries=entry.get("countries", []),
              rest_of_world=bool(entry.get("rest_of_world", False)),
              fulfillment_country=entry.get("fulfillment_country"), customs_zone=zone,
              stock_region=entry.get("stock_region", ""))
        existing[region.code] = region
        counts["region"] += 1
    return existing


def _catalogs(data: dict, counts: Counter) -> dict[str, m.Catalog]:
    existing = {c.uid: c for c in m.Catalog.objects.all()}
    for position, entry in enumerate(yamlfile.mappings(data, "catalogs", "the catalog file")):
        catalog = existing.get(entry["uid"]) or m.Catalog(uid=entry["uid"])
        yamlfile.save(catalog, f"catalog {entry['uid']}", title=entry.get("title", entry["uid"]), position=position)
        existing[catalog.uid] = catalog
        counts["catalog"] += 1
    return existing


def _attributes(data: dict, counts: Counter) -> dict[tuple[str, str], m.ProductAttributeValue]:
    """Attributes and their values are upserted (values the admin added are kept); returns (attribute, value) -> row."""
    attributes = {a.uid: a for a in m.ProductAttribute.objects.all()}
    values = {(v.attribute.uid, v.uid): v for v in m.ProductAttributeValue.objects.select_related("attribute")}
    for entry in yamlfile.mappings(data, "product_attributes", "the catalog file"):
        where = f"product attribute {entry.get('uid')}"
        attribute = attributes.get(entry["uid"]) or m.ProductAttribute(uid=entry["uid"])
        yamlfile.save(attribute, where, title=entry.get("title", entry["uid"]))
        attributes[attribute.uid] = attribute
        counts["attribute"] += 1
        listed = entry.get("values") or {}
        if not isinstance(listed, dict):
            raise InvalidRequest(f"{where}: 'values' must map each value uid to its title, e.g. {{A4: A4}}.")
        for position, (uid, title) in enumerate(listed.items()):
            value = values.get((attribute.uid, str(uid))) or m.ProductAttributeValue(attribute=attribute, uid=str(uid))
            yamlfile.save(value, f"{where} value {uid}", title=str(title), position=position)
            values[(attribute.uid, value.uid)] = value
    return values


def _products(data: dict, regions: dict, catalogs: dict, values: dict, counts: Counter) -> dict[str, m.Product]:
    existing = {p.uid: p for p in m.Product.objects.all()}
    file_regions = [r["code"] for r in yamlfile.mappings(data, "regions", "the catalog file")]
    for entry in yamlfile.mappings(data, "products", "the catalog file"):
        where = f"product {entry.get('uid')}"
        unknown = set(entry) - PRODUCT_KEYS
        if unknown:
            raise InvalidRequest(f"{where}: unknown keys {sorted(unknown)}; use only {sorted(PRODUCT_KEYS)}.")
        pages = entry.get("pages") or {}
        width, height = entry.get("size_mm") or (None, None)
        catalog = catalogs.get(entry["catalog"]) if entry.get("catalog") else None
        if entry.get("catalog") and catalog is None:
            raise InvalidRequest(f"{where}: catalog {entry['catalog']!r} is not defined; add it to catalogs.")
        product = existing.get(entry["uid"]) or m.Product(uid=entry["uid"])
        outcome = yamlfile.save(
            product, where, kind=entry.get("kind"), name=entry.get("name"), catalog=catalog,
            width_mm=yamlfile.decimal(width, where), height_mm=yamlfile.decimal(height, where),
            bleed_mm=yamlfile.decimal(entry.get("bleed_mm", 0), where), file_types=entry.get("file_types", []),
            min_ppi=entry.get("min_ppi", 300), sides=entry.get("sides", 1), page_count_min=pages.get("min"), page_count_max=pages.get("max"),
            page_count_step=pages.get("step"), weight_g=entry.get("weight_g"),
            personalizable=bool(entry.get("personalizable", False)), max_quantity=entry.get("max_quantity", 100),
        )
        existing[product.uid] = product
        counts["product"] += 1
        counts[f"product {outcome}"] += 1
        extra = entry.get("price_per_extra_page") or {}
        prices = {cur: {"currency": cur, "amount": yamlfile.decimal(amount, where), "per_extra_page": yamlfile.decimal(extra.get(cur, 0), where)}
                  for cur, amount in (entry.get("prices") or {}).items()}
        counts["price"] += _mirror(product.prices.all(), "currency", prices, m.ProductPrice, where, product=product)
        _product_details(entry, product, values, where)
        offered = entry.get("regions") or file_regions
        out_of_stock = set(entry.get("out_of_stock") or [])
        missing = (set(offered) | out_of_stock) - set(regions)
        if missing:
            raise InvalidRequest(f"{where}: regions {sorted(missing)} are not defined; add them to regions.")
        availability = {code: {"region": regions[code], "in_stock": code not in out_of_stock} for code in offered}
        _mirror(product.availability.select_related("region"), "region.code", availability,
                m.ProductAvailability, where, product=product)
    return existing


def _product_details(entry: dict, product: m.Product, values: dict, where: str) -> None:
    """Attribute values, quantity price breaks and finished dimensions mirror the file's entry."""
    links = {}
    for attribute, value_uid in (entry.get("attributes") or {}).items():
        value = values.get((attribute, str(value_uid)))
        if value is None:
            raise InvalidRequest(f"{where}: {attribute} {value_uid!r} is not defined; add it to product_attributes.")
        links[attribute] = {"attribute": value.attribute, "value": value}
    _mirror(product.attribute_links.select_related("attribute"), "attribute.uid", links, m.ProductAttributeLink,
            where, product=product)
    breaks = {}
    for min_quantity, amounts in (entry.get("price_breaks") or {}).items():
        if not isinstance(min_quantity, int):
            raise InvalidRequest(f"{where}: price break {min_quantity!r} is not a quantity; key each break by a whole number.")
        for currency, amount in (amounts or {}).items():  # a break in a currency without a price sells nothing
            breaks[(currency, min_quantity)] = {"currency": currency, "min_quantity": min_quantity,
                                                "amount": yamlfile.decimal(amount, where)}
    _mirror(product.price_breaks.all(), lambda b: (b.currency, b.min_quantity), breaks, m.ProductPriceBreak,
            where, product=product)
    dimensions = {name: {"name": name, "value_mm": yamlfile.decimal(mm, where)} for name, mm in (entry.get("dimensions_mm") or {}).items()}
    _mirror(product.dimensions.all(), "name", dimensions, m.ProductDimension, where, product=product)


def _methods(data: dict, regions: dict, counts: Counter) -> None:
    existing = {sm.uid: sm for sm in m.ShipmentMethod.objects.all()}
    for entry in yamlfile.mappings(data, "shipment_methods", "the catalog file"):
        where = f"shipment method {entry.get('uid')}"
        method = existing.get(entry["uid"]) or m.ShipmentMethod(uid=entry["uid"])
        yamlfile.save(method, where, name=entry.get("name"), type=entry.get("type"),
              has_tracking=bool(entry.get("has_tracking", True)), is_business=bool(entry.get("is_business", True)),
              is_private=bool(entry.get("is_private", True)),
              requires_phone=bool(entry.get("requires_phone", False)))
        counts["method"] += 1
        wanted = {}
        for rate in entry.get("rates") or []:
            region = regions.get(rate.get("region"))
            if region is None:
                raise InvalidRequest(f"{where}: region {rate.get('region')!r} is not defined; add it to regions.")
            min_days, max_days = rate.get("days") or (None, None)
            additional = rate.get("additional_item") or {}
            wanted[(region.code, rate.get("country", ""))] = {
                "region": region, "country": rate.get("country", ""), "min_days": min_days, "max_days": max_days,
                "_prices": {cur: {"currency": cur, "amount": yamlfile.decimal(amount, where),
                                  "additional_item_amount": yamlfile.decimal(additional.get(cur, 0), where)}
                            for cur, amount in (rate.get("price") or {}).items()},
            }
        existing_rates = {(r.region.code, r.country): r for r in method.rates.select_related("region")}
        for key, fields in wanted.items():
            prices = fields.pop("_prices")
            rate = existing_rates.pop(key, None) or m.ShipmentRate(method=method)
            yamlfile.save(rate, f"{where} rate to {key[0]} {key[1]}".rstrip(), **fields)
            _mirror(rate.prices.all(), "currency", prices, m.ShipmentRatePrice, where, rate=rate)
            counts["rate"] += 1
        for stale in existing_rates.values():
            stale.delete()


def _restrictions(data: dict, products: dict, counts: Counter) -> None:
    wanted = {}
    for entry in yamlfile.mappings(data, "restrictions", "the catalog file"):
        uid, kind = entry.get("product", ""), entry.get("kind", "")
        product = products.get(uid) if uid else None
        if uid and product is None:
            raise InvalidRequest(f"restriction for product {uid}: no such product; add it to products or fix the uid.")
        wanted[(uid, kind)] = {"product": product, "kind": kind, "countries": entry.get("countries", []),
                               "reason": entry.get("reason", "")}
    current = m.ShippingRestriction.objects.select_related("product")
    counts["restriction"] = _mirror(current, lambda r: (r.product.uid if r.product else "", r.kind), wanted,
                                    m.ShippingRestriction, "restriction")


def _quantity_limits(data: dict, counts: Counter) -> None:
    wanted = {e.get("kind", ""): {"kind": e.get("kind", ""), "max_per_order": e.get("max_per_order")}
              for e in yamlfile.mappings(data, "quantity_limits", "the catalog file")}
    counts["limit"] = _mirror(m.QuantityLimit.objects.all(), "kind", wanted, m.QuantityLimit, "quantity limit")


def _requirements(data: dict, counts: Counter) -> None:
    wanted = {(e.get("country", ""), e.get("requirement")): {"country": e.get("country", ""),
                                                             "requirement": e.get("requirement")}
              for e in yamlfile.mappings(data, "cross_border", "the catalog file")}
    counts["requirement"] = _mirror(m.CrossBorderRequirement.objects.all(), lambda r: (r.country, r.requirement),
                                    wanted, m.CrossBorderRequirement, "cross-border requirement")


def _vat_rates(data: dict, counts: Counter) -> None:
    """`vat_rates` maps country codes to percent; the table mirrors it (a file without the section keeps the rows)."""
    if "vat_rates" not in data:
        return
    rates = data.get("vat_rates") or {}
    if not isinstance(rates, dict):
        raise InvalidRequest("'vat_rates' in the catalog file must map country codes to percent, e.g. DE: 19.")
    wanted = {str(c): {"country": str(c), "rate": yamlfile.decimal(r, f"VAT rate {c}")} for c, r in rates.items()}
    counts["vat"] = _mirror(m.VatRate.objects.all(), "country", wanted, m.VatRate, "VAT rate")


def _mirror(current, key, wanted: dict, model, where: str, **parent) -> int:
    """Make the rows of `current` equal `wanted` (key -> fields): update, create, delete the rest."""
    get_key = key if callable(key) else (lambda row: _attr(row, key))
    rows = {get_key(row): row for row in current}
    for k, fields in wanted.items():
        yamlfile.save(rows.pop(k, None) or model(**parent), f"{where} ({k})", **fields)
    for stale in rows.values():
        stale.delete()
    return len(wanted)


def _attr(obj, dotted: str):
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj
