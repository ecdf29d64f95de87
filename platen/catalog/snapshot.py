"""An immutable in-memory copy of the catalog, cached per process and keyed by CatalogVersion.

Order intake evaluates every order against the catalog; reading ~10 tables per order would cost more
than the rest of the order. The snapshot costs one indexed query per evaluation (the version token)
and is rebuilt, with one query per table, only after a change (admin save, loader run).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from platen.catalog import models as m
from platen.kit.ttlcache import TtlCache


@dataclass(frozen=True)
class ProductFacts:
    uid: str
    kind: str
    name: str
    page_count_min: int | None
    page_count_max: int | None
    page_count_step: int | None
    max_quantity: int
    prices: dict[str, tuple[Decimal, Decimal]]  # currency -> (amount, per extra page)
    availability: dict[str, bool]  # region code -> in stock
    personalizable: bool = False  # the customer supplies the artwork (print files may come later)
    breaks: dict[str, tuple[tuple[int, Decimal], ...]] = field(default_factory=dict)  # currency -> (min qty, amount), ascending

    @property
    def is_multi_page(self) -> bool:
        return self.page_count_min is not None

    def unit_price(self, currency: str, page_count: int | None, quantity: int = 1) -> Decimal | None:
        price = self.prices.get(currency)
        if price is None:
            return None
        amount, per_page = price
        for min_quantity, break_amount in self.breaks.get(currency, ()):
            if quantity >= min_quantity:
                amount = break_amount
        if self.is_multi_page and page_count is not None and page_count > self.page_count_min:
            amount += per_page * (page_count - self.page_count_min)
        return amount


@dataclass(frozen=True)
class RegionFacts:
    code: str
    name: str
    fulfillment_country: str
    customs_zone: str


@dataclass(frozen=True)
class RateFacts:
    method_uid: str
    method_name: str
    method_type: str
    country: str  # "" = every country of the region
    min_days: int
    max_days: int
    prices: dict[str, tuple[Decimal, Decimal]]  # currency -> (first piece, each further piece)


@dataclass(frozen=True)
class Restriction:
    countries: frozenset[str]
    reason: str


@dataclass(frozen=True)
class Catalog:
    version: str
    products: dict[str, ProductFacts]
    region_by_country: dict[str, RegionFacts]
    rest_of_world: RegionFacts | None
    zone_by_country: dict[str, str]
    rates_by_region: dict[str, list[RateFacts]]
    method_uids: frozenset[str]
    currencies: frozenset[str]
    product_restrictions: dict[str, list[Restriction]]
    kind_restrictions: dict[str, list[Restriction]]
    global_restrictions: list[Restriction]
    order_limits: dict[str, int]  # kind ("" = all products) -> most pieces per order
    requirements: dict[str, frozenset[str]] = field(default_factory=dict)  # country ("" = any) -> requirements
    vat_rates: dict[str, Decimal] = field(default_factory=dict)  # destination country -> percent
    phone_methods: dict[str, str] = field(default_factory=dict)  # uid -> name of the methods that need a phone

    def region_for(self, country: str) -> RegionFacts | None:
        return self.region_by_country.get(country, self.rest_of_world)

    def customs_zone_of(self, country: str) -> str:
        return self.zone_by_country.get(country, country)


_lock = threading.Lock()
_cached: Catalog | None = None


# The version token is read at most once a second per process: a catalog change made here is seen at once
# (forget() runs on every bump), one made in another process within a second.
_version_checked = TtlCache[str, str](1.0)


def forget() -> None:
    _version_checked.forget()


def current() -> Catalog:
    """The catalog as of the latest committed (or own-transaction) change."""
    global _cached
    cached = _cached
    if cached is not None and _version_checked.get("token") == cached.version:
        return cached
    version = m.CatalogVersion.current()
    _version_checked.put("token", version)
    cached = _cached
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = build(version)
        return _cached


def build(version: str) -> Catalog:
    prices: dict[int, dict] = defaultdict(dict)
    for product_id, currency, amount, per_page in m.ProductPrice.objects.values_list(
        "product_id", "currency", "amount", "per_extra_page"
    ):
        prices[product_id][currency] = (amount, per_page)
    availability: dict[int, dict] = defaultdict(dict)
    for product_id, region_code, in_stock in m.ProductAvailability.objects.values_list(
        "product_id", "region__code", "in_stock"
    ):
        availability[product_id][region_code] = in_stock
    breaks: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    for product_id, currency, min_quantity, amount in m.ProductPriceBreak.objects.order_by("min_quantity").values_list(
        "product_id", "currency", "min_quantity", "amount"
    ):
        breaks[product_id][currency].append((min_quantity, amount))

    products = {}
    uid_by_id = {}
    for p in m.Product.objects.all():
        uid_by_id[p.pk] = p.uid
        products[p.uid] = ProductFacts(
            uid=p.uid, kind=p.kind, name=p.name, page_count_min=p.page_count_min, page_count_max=p.page_count_max,
            page_count_step=p.page_count_step, max_quantity=p.max_quantity, prices=prices[p.pk],
            availability=availability[p.pk], personalizable=p.personalizable,
            breaks={currency: tuple(steps) for currency, steps in breaks[p.pk].items()},
        )

    region_by_country, rest_of_world = {}, None
    for r in m.Region.objects.select_related("customs_zone"):
        facts = RegionFacts(r.code, r.name, r.fulfillment_country, r.customs_zone.code)
        if r.rest_of_world:
            rest_of_world = facts
        for country in r.countries:
            region_by_country[country] = facts
    zone_by_country = {c: z.code for z in m.CustomsZone.objects.all() for c in z.countries}

    rate_prices: dict[int, dict] = defaultdict(dict)
    for rate_id, currency, amount, additional in m.ShipmentRatePrice.objects.values_list(
        "rate_id", "currency", "amount", "additional_item_amount"
    ):
        rate_prices[rate_id][currency] = (amount, additional)
    rates_by_region: dict[str, list[RateFacts]] = defaultdict(list)
    for rate in m.ShipmentRate.objects.select_related("method", "region"):
        rates_by_region[rate.region.code].append(RateFacts(
            rate.method.uid, rate.method.name, rate.method.type, rate.country, rate.min_days, rate.max_days,
            rate_prices[rate.pk],
        ))

    product_restrictions, kind_restrictions, global_restrictions = defaultdict(list), defaultdict(list), []
    for rule in m.ShippingRestriction.objects.all():
        restriction = Restriction(frozenset(rule.countries), rule.reason)
        if rule.product_id:
            product_restrictions[uid_by_id[rule.product_id]].append(restriction)
        elif rule.kind:
            kind_restrictions[rule.kind].append(restriction)
        else:
            global_restrictions.append(restriction)

    requirements: dict[str, set] = defaultdict(set)
    for country, requirement in m.CrossBorderRequirement.objects.values_list("country", "requirement"):
        requirements[country].add(requirement)

    return Catalog(
        version=version,
        products=products,
        region_by_country=region_by_country,
        rest_of_world=rest_of_world,
        zone_by_country=zone_by_country,
        rates_by_region=dict(rates_by_region),
        method_uids=frozenset(m.ShipmentMethod.objects.values_list("uid", flat=True)),
        currencies=frozenset(c for p in products.values() for c in p.prices),
        product_restrictions=dict(product_restrictions),
        kind_restrictions=dict(kind_restrictions),
        global_restrictions=global_restrictions,
        order_limits=dict(m.QuantityLimit.objects.values_list("kind", "max_per_order")),
        requirements={k: frozenset(v) for k, v in requirements.items()},
        vat_rates=dict(m.VatRate.objects.values_list("country", "rate")),
        phone_methods=dict(m.ShipmentMethod.objects.filter(requires_phone=True).values_list("uid", "name")),
    )
