"""evaluate_order against the shipped catalog: every rule problem, shipment choice and prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from platen.catalog import snapshot

from platen.catalog.models import Product, ProductAvailability, ProductPrice, Region, ShipmentRatePrice
from platen.catalog.services import evaluate_order

from .factories import (
    CANVAS_50X70, CARD_A5_FOLDED, FRAMED_A4, HOODIE_BLACK_M, MUG_11OZ, PHOTO_BOOK, POSTER_A3, POSTER_A4,
    TEE_WHITE_M, order,
)

pytestmark = pytest.mark.django_db


def codes(evaluation) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in evaluation.problems]


def test_a_valid_order_has_no_problems_the_cheapest_shipment_and_its_items_price():
    result = evaluate_order(order((POSTER_A4, 2), (MUG_11OZ, 1)))
    assert result.problems == []
    assert result.items_price == Decimal("25.70")  # 2 x 8.90 + 7.90
    shipment = result.shipment
    # Tracked Post in the EU: 4.49 for the first piece, 0.99 for each of the two further pieces.
    assert (shipment.method_uid, shipment.price, shipment.currency) == ("tracked_post", Decimal("6.47"), "EUR")
    assert (shipment.min_delivery_days, shipment.max_delivery_days, shipment.fulfillment_country) == (3, 6, "DE")


def test_prices_follow_the_order_currency():
    result = evaluate_order(order((POSTER_A4, 1), country="US", currency="USD", state="NY"))
    assert result.items_price == Decimal("9.90")
    assert (result.shipment.method_uid, result.shipment.price, result.shipment.fulfillment_country) == (
        "usps_ground_advantage", Decimal("4.69"), "US")


@pytest.mark.parametrize(("requested", "method", "price"), [
    ("express", "ups_express_saver", "12.99"),
    ("standard", "dhl_parcel", "6.49"),
    ("normal", "tracked_post", "4.49"),
    ("dhl_parcel", "dhl_parcel", "6.49"),
    ("express,standard", "dhl_parcel", "6.49"),  # the cheapest of the listed ones
    ("ups_express_saver,normal", "tracked_post", "4.49"),
    (" EXPRESS ", "ups_express_saver", "12.99"),
])
def test_an_explicit_shipment_method_is_honoured(requested, method, price):
    result = evaluate_order(order((POSTER_A4, 1), shipment_method=requested))
    assert result.problems == []
    assert (result.shipment.method_uid, result.shipment.price) == (method, Decimal(price))


def test_a_country_rate_overrides_the_region_rate():
    result = evaluate_order(order((POSTER_A4, 1), country="CH", phone="+41 44 123 45 67"))
    assert (result.shipment.method_uid, result.shipment.price, result.shipment.max_delivery_days) == (
        "tracked_post", Decimal("8.99"), 9)


def test_the_cheapest_express_to_the_rest_of_the_world_comes_from_the_rest_of_world_region():
    result = evaluate_order(order((POSTER_A4, 1), country="JP", phone="+81 3 1234 5678", shipment_method="express"))
    assert result.problems == []
    assert (result.shipment.method_uid, result.shipment.price, result.shipment.fulfillment_country) == (
        "dhl_express_worldwide", Decimal("27.99"), "NL")


def test_unknown_product():
    result = evaluate_order(order((POSTER_A4, 1), ("flat_product_pf_a9_nonsense", 1)))
    assert codes(result) == [("items[1].productUid", "unknown_product")]
    assert "flat_product_pf_a9_nonsense" in result.problems[0].message
    assert result.items_price is None
    assert result.shipment is not None  # the rest of the order can still be shipped


def test_a_kind_that_cannot_ship_to_the_destination():
    result = evaluate_order(order((FRAMED_A4, 1), (POSTER_A4, 1), country="BR", phone="+55 11 91234 5678",
                                  federal_tax_id="123.456.789-09"))
    assert codes(result) == [("items[0].productUid", "destination_not_allowed")]
    assert "BR" in result.problems[0].message and "plexiglass" in result.problems[0].message


def test_a_single_product_that_cannot_ship_to_the_destination():
    result = evaluate_order(order((CANVAS_50X70, 1), country="JP", phone="+81 3 1234 5678"))
    assert codes(result) == [("items[0].productUid", "destination_not_allowed")]
    assert evaluate_order(order((CANVAS_50X70, 1), country="US", state="NY")).problems == []


def test_an_embargoed_destination_is_one_problem_on_the_country():
    result = evaluate_order(order((POSTER_A4, 1), (MUG_11OZ, 1), country="RU", phone="+7 495 123 4567"))
    assert codes(result) == [("shippingAddress.country", "destination_not_allowed")]
    assert result.shipment is None


def test_a_destination_no_region_serves():
    row = Region.objects.get(code="ROW")
    row.rest_of_world = False
    row.save()  # also proves that a catalog change reaches the cached snapshot
    result = evaluate_order(order((POSTER_A4, 1), country="JP", phone="+81 3 1234 5678"))
    assert codes(result) == [("shippingAddress.country", "destination_not_allowed")]
    assert result.shipment is None


def test_out_of_stock_in_the_region_that_serves_the_destination():
    result = evaluate_order(order((HOODIE_BLACK_M, 1), country="AU", state="NSW"))
    assert codes(result) == [("items[0].productUid", "out_of_stock")]
    assert "AU" in result.problems[0].message
    assert evaluate_order(order((HOODIE_BLACK_M, 1), country="DE")).problems == []


def test_not_made_in_the_region_that_serves_the_destination():
    result = evaluate_order(order((PHOTO_BOOK, 1, 24), country="CA", state="ON"))
    assert codes(result) == [("items[0].productUid", "not_available_in_region")]


def test_stock_changes_in_the_admin_reach_the_next_evaluation():
    availability = ProductAvailability.objects.get(product__uid=TEE_WHITE_M, region__code="EU")
    assert evaluate_order(order((TEE_WHITE_M, 1))).problems == []
    availability.in_stock = False
    availability.save()
    assert codes(evaluate_order(order((TEE_WHITE_M, 1)))) == [("items[0].productUid", "out_of_stock")]


def test_quantity_per_item():
    result = evaluate_order(order((POSTER_A4, 501), (MUG_11OZ, 0)))
    assert codes(result) == [("items[0].quantity", "quantity_limit"), ("items[1].quantity", "quantity_limit")]
    assert "500" in result.problems[0].message
    assert evaluate_order(order((POSTER_A4, 500))).problems == []


def test_quantity_per_order_in_total():
    result = evaluate_order(order((POSTER_A4, 500), (POSTER_A3, 500), (MUG_11OZ, 1)))
    assert codes(result) == [("items", "quantity_limit")]
    assert "1000" in result.problems[0].message and "1001" in result.problems[0].message
    assert evaluate_order(order((POSTER_A4, 500), (POSTER_A3, 500))).problems == []


def test_quantity_per_order_of_one_kind():
    result = evaluate_order(order((PHOTO_BOOK, 20, 24), (PHOTO_BOOK, 20, 26), (PHOTO_BOOK, 11, 28)))
    assert codes(result) == [("items", "quantity_limit")]
    assert "photo book" in result.problems[0].message


@pytest.mark.parametrize(("page_count", "problem"), [
    (None, True), (22, True), (25, True), (202, True), (24, False), (26, False), (200, False),
])
def test_page_count_of_a_multi_page_product(page_count, problem):
    result = evaluate_order(order((PHOTO_BOOK, 1, page_count)))
    assert codes(result) == ([("items[0].pageCount", "page_count")] if problem else [])


def test_a_wrong_page_count_message_suggests_a_valid_one():
    message = evaluate_order(order((PHOTO_BOOK, 1, 25))).problems[0].message
    assert "24 to 200 pages in steps of 2" in message and "26" in message


@pytest.mark.parametrize(("page_count", "problem"), [(None, False), (1, False), (2, True), (24, True)])
def test_page_count_of_a_single_page_product(page_count, problem):
    result = evaluate_order(order((CARD_A5_FOLDED, 1, page_count)))
    assert codes(result) == ([("items[0].pageCount", "page_count")] if problem else [])


def test_extra_pages_are_priced():
    result = evaluate_order(order((PHOTO_BOOK, 2, 30)))
    assert result.items_price == Decimal("55.20")  # 2 x (24.90 + 6 extra pages x 0.45)


@pytest.mark.parametrize(("country", "phone", "expected"), [
    ("DE", None, []),  # same customs zone as the EU region
    ("FR", "", []),
    ("CH", None, [("shippingAddress.phone", "cross_border_phone_required")]),  # served from DE, own customs
    ("NO", "  ", [("shippingAddress.phone", "cross_border_phone_required")]),
    ("JE", None, [("shippingAddress.phone", "cross_border_phone_required")]),  # served from GB
    ("CH", "+41 44 123 45 67", []),
])
def test_cross_border_shipments_need_a_phone(country, phone, expected):
    assert codes(evaluate_order(order((POSTER_A4, 1), country=country, phone=phone))) == expected


def test_brazil_needs_a_federal_tax_id():
    result = evaluate_order(order((POSTER_A4, 1), country="BR", phone="+55 11 91234 5678"))
    assert codes(result) == [("shippingAddress.federalTaxId", "cross_border_tax_id_required")]
    assert "the recipient's federal tax id" in result.problems[0].message
    ok = evaluate_order(order((POSTER_A4, 1), country="BR", phone="+55 11 91234 5678", federal_tax_id="123.456.789-09"))
    assert ok.problems == []


def test_unknown_shipment_method():
    result = evaluate_order(order((POSTER_A4, 1), shipment_method="normal,pigeon_post"))
    assert codes(result) == [("shipmentMethodUid", "unknown_shipment_method")]
    assert "pigeon_post" in result.problems[0].message
    assert result.shipment is None


def test_a_known_shipment_method_that_does_not_serve_the_destination():
    result = evaluate_order(order((POSTER_A4, 1), country="AU", state="NSW", shipment_method="standard"))
    assert codes(result) == [("shipmentMethodUid", "shipment_method_unavailable")]
    assert "Tracked Post (normal)" in result.problems[0].message  # tells what would work
    assert result.shipment is None
    usps = evaluate_order(order((POSTER_A4, 1), country="DE", shipment_method="usps_ground_advantage"))
    assert codes(usps) == [("shipmentMethodUid", "shipment_method_unavailable")]


def test_no_shipment_method_priced_in_the_currency():
    ShipmentRatePrice.objects.filter(rate__region__code="GB", currency="GBP").delete()
    result = evaluate_order(order((POSTER_A4, 1), country="GB", currency="GBP"))
    assert codes(result) == [("shipmentMethodUid", "shipment_method_unavailable")]
    assert "GBP" in result.problems[0].message


def test_a_currency_nothing_is_priced_in():
    result = evaluate_order(order((POSTER_A4, 1), currency="JPY"))
    assert codes(result) == [("currency", "currency_not_supported")]
    assert "EUR" in result.problems[0].message
    assert result.items_price is None and result.shipment is None


def test_a_product_without_a_price_in_the_currency():
    ProductPrice.objects.filter(product__uid=POSTER_A4, currency="GBP").delete()
    result = evaluate_order(order((POSTER_A4, 1), (MUG_11OZ, 1), country="GB", currency="GBP"))
    assert codes(result) == [("items[0].productUid", "currency_not_supported")]
    assert result.items_price is None


def test_every_problem_is_reported_at_once():
    result = evaluate_order(order(("nope", 1), (FRAMED_A4, 60, 3), country="BR", shipment_method="standard,foo"))
    assert sorted(p.code for p in result.problems) == sorted([
        "unknown_product", "destination_not_allowed", "quantity_limit", "page_count", "quantity_limit",
        "cross_border_phone_required", "cross_border_tax_id_required", "unknown_shipment_method",
    ])
    assert all(p.message.endswith(".") and ";" in p.message for p in result.problems)  # what is wrong; what to do


def test_country_and_currency_are_read_case_insensitively():
    result = evaluate_order(order((POSTER_A4, 1), country="de", currency="eur"))
    assert result.problems == [] and result.shipment.currency == "EUR"


def test_an_evaluation_costs_no_query_once_the_catalog_is_cached(django_assert_num_queries):
    facts = order((POSTER_A4, 2), (PHOTO_BOOK, 1, 30), (HOODIE_BLACK_M, 3), country="CH", phone="+41 1")
    evaluate_order(facts)
    with django_assert_num_queries(0):  # the version token was read less than a second ago
        evaluate_order(facts)
    snapshot.forget()  # as when the second has passed
    with django_assert_num_queries(1):  # only the version token: the snapshot itself is still current
        evaluate_order(facts)


def test_a_product_added_later_is_seen_by_the_next_evaluation():
    evaluate_order(order((POSTER_A4, 1)))  # warm the cache
    product = Product.objects.create(uid="flat_product_pf_a2_test", kind="poster", name="Poster A2", width_mm=420,
                                     height_mm=594, file_types=["pdf"], weight_g=120)
    ProductPrice.objects.create(product=product, currency="EUR", amount=Decimal("15.00"))
    ProductAvailability.objects.create(product=product, region=Region.objects.get(code="EU"))
    result = evaluate_order(order(("flat_product_pf_a2_test", 2)))
    assert result.problems == [] and result.items_price == Decimal("30.00")
