"""Business rules of an order against the catalog: pure functions over the cached snapshot, no queries.

Every problem is reported (not just the first), each on the wire field the merchant has to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from platen.catalog import snapshot
from platen.catalog.facts import Evaluation, LineFacts, OrderFacts, Problem, ShipmentChoice
from platen.catalog.models import ProductKind, Requirement, ShipmentType
from platen.catalog.snapshot import Catalog, ProductFacts, RateFacts, RegionFacts

CENT = Decimal("0.01")
SHIPMENT_TYPES = frozenset(ShipmentType.values)


@dataclass(frozen=True)
class ShipmentOption:
    """A method that can carry this order to its destination, priced for it."""

    uid: str
    name: str
    type: str
    min_days: int
    max_days: int
    price: Decimal
    currency: str


@dataclass(frozen=True)
class Outcome:
    evaluation: Evaluation
    region: RegionFacts | None
    options: list[ShipmentOption]  # cheapest first
    line_prices: dict[str, Decimal]  # LineFacts.field -> price of the line (unit price x quantity)


def evaluate(facts: OrderFacts, *, address_field: str = "shippingAddress",
             shipment_field: str = "shipmentMethodUid") -> Outcome:
    cat = snapshot.current()
    country = (facts.country or "").strip().upper()
    currency = (facts.currency or "").strip().upper()
    region = cat.region_for(country)
    problems: list[Problem] = []

    currency_ok = currency in cat.currencies
    if not currency_ok:
        problems.append(Problem("currency", "currency_not_supported",
                                f"Platen has no prices in {currency or 'an empty currency'}; "
                                f"use one of {', '.join(sorted(cat.currencies))}."))
    embargo = next((r for r in cat.global_restrictions if country in r.countries), None)
    if embargo is not None:
        problems.append(Problem(f"{address_field}.country", "destination_not_allowed",
                                f"Platen cannot ship to {country} ({embargo.reason}); "
                                "use a shipping address in another country."))
        region = None
    elif region is None:
        problems.append(Problem(f"{address_field}.country", "destination_not_allowed",
                                f"No production region delivers to {country}; "
                                "use a shipping address in a country Platen serves."))

    known: list[tuple[LineFacts, ProductFacts]] = []
    for line in facts.lines:
        product = cat.products.get(line.product_uid)
        if product is None:
            problems.append(Problem(f"{line.field}.productUid", "unknown_product",
                                    f"There is no product '{line.product_uid}' in the catalog; "
                                    "choose a product from the catalog."))
            continue
        known.append((line, product))
        problems.extend(_line_problems(cat, line, product, country, region, currency, currency_ok))
    problems.extend(_order_limit_problems(cat, facts.lines, known))

    options: list[ShipmentOption] = []
    shipment = None
    if region is not None:
        problems.extend(_cross_border_problems(cat, facts, country, region, address_field))
        if currency_ok:
            pieces = sum(max(line.quantity, 0) for line, _ in known)
            options = _options(cat, region, country, currency, pieces)
            shipment, problem = _choose(cat, facts.shipment_method, options, region, country, currency, shipment_field)
            if problem:
                problems.append(problem)

    line_prices = {}
    for line, product in known:
        unit = product.unit_price(currency, line.page_count, max(line.quantity, 1))
        if unit is not None:
            line_prices[line.field] = (unit * max(line.quantity, 0)).quantize(CENT)
    items_price = sum(line_prices.values(), Decimal("0.00")) if len(line_prices) == len(facts.lines) else None
    return Outcome(Evaluation(problems, shipment, items_price, line_prices), region, options, line_prices)


def _line_problems(cat: Catalog, line: LineFacts, product: ProductFacts, country: str,
                   region: RegionFacts | None, currency: str, currency_ok: bool):
    uid_field = f"{line.field}.productUid"
    if region is not None:
        restrictions = cat.product_restrictions.get(product.uid, []) + cat.kind_restrictions.get(product.kind, [])
        refused = next((r for r in restrictions if country in r.countries), None)
        if refused is not None:
            yield Problem(uid_field, "destination_not_allowed",
                          f"{product.name} cannot be shipped to {country} ({refused.reason}); "
                          "remove this item or ship it to another country.")
        else:
            in_stock = product.availability.get(region.code)
            if in_stock is None:
                yield Problem(uid_field, "not_available_in_region",
                              f"{product.name} is not made in the {region.code} region that serves {country}; "
                              "remove this item or choose another product.")
            elif not in_stock:
                yield Problem(uid_field, "out_of_stock",
                              f"{product.name} is out of stock in the {region.code} region that serves {country}; "
                              "remove this item or order it again later.")
    if line.quantity < 1:
        yield Problem(f"{line.field}.quantity", "quantity_limit", "The quantity must be at least 1; correct it.")
    elif line.quantity > product.max_quantity:
        yield Problem(f"{line.field}.quantity", "quantity_limit",
                      f"{product.name} can be ordered at most {product.max_quantity} per item, not {line.quantity}; "
                      "lower the quantity or spread it over several orders.")
    page_problem = _page_count_problem(line, product)
    if page_problem:
        yield page_problem
    if currency_ok and currency not in product.prices:
        yield Problem(uid_field, "currency_not_supported",
                      f"{product.name} has no price in {currency}; "
                      f"order it in {', '.join(sorted(product.prices)) or 'another currency'} or remove this item.")


def _page_count_problem(line: LineFacts, product: ProductFacts) -> Problem | None:
    field = f"{line.field}.pageCount"
    pages = line.page_count
    if not product.is_multi_page:
        # Clients often send pageCount 1 for flat products; anything else means a wrong productUid or pageCount.
        if pages not in (None, 1):
            return Problem(field, "page_count", f"{product.name} is a single-page product; remove the page count.")
        return None
    low, high, step = product.page_count_min, product.page_count_max, product.page_count_step
    rule = f"{low} to {high} pages in steps of {step}"
    if pages is None:
        return Problem(field, "page_count", f"{product.name} needs a page count ({rule}); add it.")
    if pages < low or pages > high or (pages - low) % step:
        nearest = min(max(pages, low), high)
        nearest = low + ((nearest - low + step - 1) // step) * step
        nearest = min(nearest, high)
        return Problem(field, "page_count",
                       f"{product.name} takes {rule}, not {pages}; send a valid page count such as {nearest}.")
    return None


def _order_limit_problems(cat: Catalog, lines: list[LineFacts], known: list[tuple[LineFacts, ProductFacts]]):
    if not lines or not cat.order_limits:
        return
    items_field = re.sub(r"\[\d+\]$", "", lines[0].field) or "items"
    for kind, limit in sorted(cat.order_limits.items()):
        if kind:
            count = sum(max(line.quantity, 0) for line, product in known if product.kind == kind)
            what = f"{ProductKind(kind).label.lower()} pieces" if kind in ProductKind.values else f"{kind} pieces"
        else:
            count = sum(max(line.quantity, 0) for line in lines)
            what = "pieces"
        if count > limit:
            yield Problem(items_field, "quantity_limit",
                          f"An order may hold at most {limit} {what}, this one holds {count}; "
                          "split it into several orders.")


def _cross_border_problems(cat: Catalog, facts: OrderFacts, country: str, region: RegionFacts, address_field: str):
    if cat.customs_zone_of(country) == region.customs_zone:
        return
    needed = cat.requirements.get("", frozenset()) | cat.requirements.get(country, frozenset())
    route = f"Shipments from {region.fulfillment_country} to {country} cross a customs border"
    if Requirement.PHONE.value in needed and not (facts.phone or "").strip():
        yield Problem(f"{address_field}.phone", "cross_border_phone_required",
                      f"{route} and the carrier needs the recipient's phone number; add it to the address.")
    if Requirement.FEDERAL_TAX_ID.value in needed and not (facts.federal_tax_id or "").strip():
        yield Problem(f"{address_field}.federalTaxId", "cross_border_tax_id_required",
                      f"{route} and customs in {country} need the recipient's federal tax id; add it to the address.")


def phone_need(cat: Catalog, country: str, method_uid: str | None) -> tuple[str, str] | None:
    """Why a shipment to `country` by `method_uid` needs the recipient's phone number: ("carrier", method name)
    when the method requires one, ("customs", fulfillment country) when a cross-border requirement does; else None."""
    if method_uid in cat.phone_methods:
        return "carrier", cat.phone_methods[method_uid]
    region = cat.region_for(country)
    if region is None or cat.customs_zone_of(country) == region.customs_zone:
        return None
    needed = cat.requirements.get("", frozenset()) | cat.requirements.get(country, frozenset())
    return ("customs", region.fulfillment_country) if Requirement.PHONE.value in needed else None


def _options(cat: Catalog, region: RegionFacts, country: str, currency: str, pieces: int) -> list[ShipmentOption]:
    rates: dict[str, RateFacts] = {}
    for rate in cat.rates_by_region.get(region.code, []):
        if rate.country == "" and rate.method_uid not in rates:
            rates[rate.method_uid] = rate
    for rate in cat.rates_by_region.get(region.code, []):
        if rate.country == country:  # a rate for the one country overrides the region-wide one
            rates[rate.method_uid] = rate
    options = []
    for rate in rates.values():
        price = rate.prices.get(currency)
        if price is None:
            continue
        first, each_further = price
        total = (first + each_further * max(pieces - 1, 0)).quantize(CENT)
        options.append(ShipmentOption(rate.method_uid, rate.method_name, rate.method_type, rate.min_days,
                                      rate.max_days, total, currency))
    options.sort(key=lambda o: (o.price, o.max_days, o.min_days, o.uid))
    return options


def _choose(cat: Catalog, requested: str | None, options: list[ShipmentOption], region: RegionFacts,
            country: str, currency: str, field: str) -> tuple[ShipmentChoice | None, Problem | None]:
    tokens = [t.strip() for t in (requested or "").split(",") if t.strip()]
    types = {t.lower() for t in tokens if t.lower() in SHIPMENT_TYPES}
    uids = {t for t in tokens if t in cat.method_uids}
    unknown = [t for t in tokens if t.lower() not in SHIPMENT_TYPES and t not in cat.method_uids]
    if unknown:
        return None, Problem(field, "unknown_shipment_method",
                             f"There is no shipment method '{', '.join(unknown)}'; choose Normal, Standard or Express, "
                             "or a method offered for the destination, or leave it out for the cheapest.")
    wanted = [o for o in options if not tokens or o.uid in uids or o.type in types]
    if not wanted:
        if options:
            choices = ", ".join(dict.fromkeys(f"{o.name} ({o.type})" for o in options))
            message = (f"'{requested}' does not deliver to {country}; choose one of {choices}, "
                       "or leave the shipment method out for the cheapest.")
        else:
            message = (f"No shipment method delivers to {country} with prices in {currency}; "
                       "order in another currency or ship to another country.")
        return None, Problem(field, "shipment_method_unavailable", message)
    best = wanted[0]
    return ShipmentChoice(best.uid, best.name, best.min_days, best.max_days, region.fulfillment_country,
                          best.price, best.currency), None
