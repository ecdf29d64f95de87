"""A merchant fixes every failed order from the dashboard without cancelling it.

The table lists every problem code the checks can produce (the catalog's rules, the content checks, the print
file checks) with the way the order page fixes it. For each fixable one an order is made failing with it through
the API, fixed through the page's own forms only (Django's client posts what the page shows), reprocessed, and
must leave `failed`. The few that cannot be fixed in place (an order's currency and destination country never
change) must say on the page, in words, what to do instead. A new code without a row fails the first test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from platen.catalog import snapshot
from platen.catalog.facts import PROBLEM_CODES
from platen.dashboard.forms import AddressForm
from platen.orders import checks
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from tests.dashboard.conftest import ADDRESS, POSTER
from tests.preflight import samples

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2] / "platen"
GOOD_FILE = "/files/print.pdf"  # the file server's A3 poster that passes every check

# How each code is fixed on the order page: file (another print file for the item), product (another product,
# quantity or page count for the item), address (the shipping-address page), method (another shipping method);
# "cannot": not in place, by design; "warning": never fails an order.
FIXES = {
    "missing_file": "file", "file_not_fetched": "file", "file_readable": "file", "file_format": "file",
    "file_encryption": "file", "file_page_count": "file", "file_page_size": "file", "file_aspect_ratio": "file",
    "file_fonts": "file", "file_resolution": "file",
    "unknown_product": "product", "not_available_in_region": "product", "out_of_stock": "product",
    "quantity_limit": "product", "page_count": "product", "destination_not_allowed": "product or cannot",
    "currency_not_supported": "product or cannot",
    "cross_border_phone_required": "address", "carrier_phone_required": "address", "invalid_phone": "address",
    "cross_border_tax_id_required": "address", "invalid_email": "address",
    **{f"invalid_address_{name}": "address" for name in checks.ADDRESS_FIELDS},
    "unknown_shipment_method": "method", "shipment_method_unavailable": "method",
    "missing_phone": "warning",
    "no_facility": "cannot",  # routing: no facility can make it; the order waits on hold and is routed again by itself
}


def produced_codes() -> set[str]:
    """Every code the sources can produce, read from them (so a new one needs a row above)."""
    catalog = set(PROBLEM_CODES)
    content = set(re.findall(r'"((?:invalid|missing)_[a-z]+|[a-z_]+_required)"', (ROOT / "orders/checks.py").read_text()))
    content |= {f"invalid_address_{name}" for name in checks.ADDRESS_FIELDS}
    pipeline = set(re.findall(r'"code": "([a-z_]+)"', (ROOT / "orders/pipeline.py").read_text()))
    pipeline |= set(re.findall(r'"code": "([a-z_]+)"', (ROOT / "production/services/routing.py").read_text()))
    preflight = {f"file_{c}" for c in re.findall(r'\bfail\("([a-z_]+)"', (ROOT / "preflight/checks.py").read_text())}
    return catalog | content | pipeline | preflight


def test_every_code_the_checks_produce_has_a_row():
    produced = produced_codes()
    assert {"file_not_fetched", "file_page_size", "invalid_email", "unknown_shipment_method"} <= produced
    assert produced - set(FIXES) == set(), "a new problem code: say how the order page fixes it"


# ---- fixable: one order per code, failed, fixed on its page, reprocessed ---------------------------------


@dataclass
class Case:
    code: str
    fix: str  # file, product, address, method
    order: dict = field(default_factory=dict)  # changes to the order body (tests.dashboard.conftest.order_body)
    item: dict = field(default_factory=dict)  # changes to its first item
    file: object = None  # makes a sample file (tests.preflight.samples) in a folder, for the first item's link
    change: dict = field(default_factory=dict)  # what the merchant types into the fix form


def _address(**changes) -> dict:
    return {**ADDRESS, **changes}


CANADA = _address(addressLine1="290 Bremner Blvd", city="Toronto", state="ON", postCode="M5V 3L9", country="CA",
                  phone="+1 416 868 6937")
SYDNEY = _address(addressLine1="1 Macquarie St", city="Sydney", state="NSW", postCode="2000", country="AU",
                  phone="+61 2 9250 7111")
ZURICH = _address(addressLine1="Bahnhofstrasse 1", city="Zürich", postCode="8001", country="CH", phone=None)
SAO_PAULO = _address(addressLine1="Avenida Paulista 1000", city="São Paulo", state="SP", postCode="01310-100",
                     country="BR", phone="+55 11 91234 5678")
NEW_YORK = _address(addressLine1="350 Fifth Avenue", city="New York", state="NY", postCode="10118", country="US",
                    phone=None)


def _product(kind: str | None = None, *, missing_region: str | None = None, out_in: str | None = None) -> str:
    for product in sorted(snapshot.current().products.values(), key=lambda p: p.uid):
        if kind and product.kind != kind:
            continue
        if missing_region and missing_region in product.availability:
            continue
        if out_in and product.availability.get(out_in) is not False:
            continue
        return product.uid
    pytest.skip(f"the catalog has no product for {kind, missing_region, out_in}")


CASES = [
    Case("missing_file", "file", item={"files": []}),
    Case("file_not_fetched", "file", item={"files": [{"type": "default", "url": "/files/not-there.pdf"}]}),
    Case("file_page_size", "file", file=samples.good_poster),  # an A4 page for an A3 poster
    Case("file_format", "file", file=samples.svg_file),
    Case("file_encryption", "file", file=samples.encrypted_user_password),
    Case("file_resolution", "file", file=samples.low_res_image_large),
    Case("file_readable", "file", file=samples.not_a_pdf),
    Case("file_page_count", "file", file=lambda folder: samples.multi_page(folder, 3, trim_mm=(297, 420))),
    Case("file_aspect_ratio", "file", file=lambda folder: samples.png_rgb(folder, 3000, 1000)),
    Case("file_fonts", "file", file=samples.visible_text_after_ocr),
    Case("unknown_product", "product", item={"productUid": "poster_that_is_not_in_the_catalog"}),
    Case("not_available_in_region", "product", order={"shippingAddress": CANADA},
         item={"productUid": lambda: _product(missing_region="CA")}),
    Case("out_of_stock", "product", order={"shippingAddress": SYDNEY},
         item={"productUid": lambda: _product(out_in="AU")}),
    Case("destination_not_allowed", "product", order={"shippingAddress": SAO_PAULO | {"federalTaxId": "123.456.789-09"}},
         item={"productUid": lambda: _product("framed_poster")}),
    Case("quantity_limit", "product", item={"quantity": 600}, change={"quantity": "2"}),
    Case("page_count", "product", item={"pageCount": 12}, change={"page_count": ""}),
    Case("cross_border_phone_required", "address", order={"shippingAddress": ZURICH},
         change={"phone": "+41 44 668 18 00"}),
    Case("cross_border_tax_id_required", "address", order={"shippingAddress": SAO_PAULO},
         change={"federalTaxId": "123.456.789-09"}),
    Case("carrier_phone_required", "address", order={"currency": "USD", "shipmentMethodUid": "express",
                                                      "shippingAddress": NEW_YORK}, change={"phone": "+1 212 736 3100"}),
    Case("invalid_phone", "address", order={"currency": "USD", "shipmentMethodUid": "express",
                                            "shippingAddress": NEW_YORK | {"phone": "12"}},
         change={"phone": "+1 212 736 3100"}),
    Case("invalid_email", "address", order={"shippingAddress": _address(email="ada at example.com")},
         change={"email": "ada@example.com"}),
    Case("invalid_address_postal_code", "address", order={"shippingAddress": _address(postCode="ABC")},
         change={"postCode": "10117"}),
    Case("invalid_address_country_area", "address", order={"currency": "USD", "shippingAddress": NEW_YORK | {
        "state": "ZZ", "phone": "+1 212 736 3100"}}, change={"state": "NY"}),
    Case("unknown_shipment_method", "method", order={"shipmentMethodUid": "pigeon"}),
    Case("shipment_method_unavailable", "method", order={"shipmentMethodUid": "usps_ground_advantage"}),
]


def _resolved(values: dict) -> dict:
    return {k: v() if callable(v) else v for k, v in values.items()}


def _failing_order(case: Case, make_order, files, tmp_path) -> Order:
    item = {"itemReferenceId": "item-1", "productUid": POSTER, "quantity": 2,
            "files": [{"type": "default", "url": files.url(GOOD_FILE)}], **_resolved(case.item)}
    item["files"] = [{**f, "url": files.url(f["url"]) if f["url"].startswith("/") else f["url"]} for f in item["files"]]
    if case.file:
        (folder := tmp_path / case.code).mkdir()
        path = case.file(folder)
        item["files"] = [{"type": "default", "url": files.publish(f"{case.code}-{path.name}", path.read_bytes())}]
    order = make_order(items=[item], **_resolved(case.order))
    assert order.fulfillment_status == Fulfillment.FAILED, order.problems
    assert case.code in {p["code"] for p in order.problems}, order.problems
    return order


def _page(client, order) -> str:
    response = client.get(f"/orders/{order.id}/")
    assert response.status_code == 200
    return response.content.decode()


def _post(client, html: str, action: str | None, data: dict, *, to: str = "") -> str:
    """Post a form the page shows: the one with this action (or, with action None, the page's own form)."""
    if action is not None:
        assert f'action="{action}"' in html, f"the page has no form posting to {action}"
    action = action or to
    response = client.post(action, data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _fix(client, order: Order, case: Case, files) -> None:
    html = _page(client, order)
    item = order.items.get()
    if case.fix == "file":
        _post(client, html, f"/orders/{order.id}/items/{item.id}/file/", {"type": "default", "url": files.url(GOOD_FILE)})
    elif case.fix == "product":
        data = {"product": POSTER, "quantity": str(item.quantity), "page_count": "", **case.change}
        if "page_count" in case.change:
            data["product"] = item.product_uid
        _post(client, html, f"/orders/{order.id}/items/{item.id}/product/", data)
    elif case.fix == "address":
        action = f"/orders/{order.id}/address/"
        assert f'href="{action}"' in html, "the order page has no link to the address page"
        form_page = client.get(action).content.decode()
        posted = {k: v or "" for k, v in AddressForm.for_address(order.shipping_address).initial.items()}
        for name in case.change:
            assert f'name="{name}"' in form_page, f"the address page has no {name} field"
        assert 'data-testid="address-form"' in form_page
        html = _post(client, form_page, None, {**posted, **case.change}, to=action)
        assert 'data-testid="address-form"' not in html, "the address was refused"
    elif case.fix == "method":
        assert 'data-testid="method-fix"' in html and "Choose another shipping method" in html
        choice = re.search(r'name="method" value="([^"]+)"', html)
        assert choice, "no shipping method is offered"
        _post(client, html, f"/orders/{order.id}/shipment-method/", {"method": choice.group(1)})
    order.refresh_from_db()
    assert case.code not in {p["code"] for p in order.problems}, "the fixed problem still shows"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_a_fixable_problem_is_fixed_from_the_order_page(case, merchant_client, make_order, files, settle, tmp_path):
    order = _failing_order(case, make_order, files, tmp_path)
    _fix(merchant_client, order, case, files)
    html = _page(merchant_client, order)
    _post(merchant_client, html, f"/orders/{order.id}/reprocess/", {})
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status != Fulfillment.FAILED, order.problems
    assert order.fulfillment_status == Fulfillment.CREATED


def test_the_covered_codes_are_every_fixable_one():
    covered = {c.code for c in CASES}
    # Address codes for fields the wire format requires (street, city) or countries without those fields
    # (sorting code, district) are fixed by the same address page the postal code and state cases cover.
    same_page = {f"invalid_address_{n}" for n in ("street_address", "city", "sorting_code", "city_area")}
    # A product without a price in the order's currency: the same product form (the catalog prices every product
    # in every currency it offers today, so no order can fail with it on one item).
    same_form = {"currency_not_supported"}
    fixable = {code for code, how in FIXES.items() if how not in ("warning", "cannot")}
    assert fixable - covered - same_page - same_form == set()


# ---- not in place, by design: the page says what to do ---------------------------------------------------


@pytest.mark.parametrize(("changes", "words"), [
    ({"currency": "JPY"}, "currency cannot be changed"),
    ({"shippingAddress": _address(country="KP", city="Pyongyang", postCode="1000")}, "destination country cannot be changed"),
], ids=["currency", "destination"])
def test_what_cannot_be_fixed_in_place_says_what_to_do(changes, words, merchant_client, make_order):
    order = make_order(**changes)
    assert order.fulfillment_status == Fulfillment.FAILED
    html = _page(merchant_client, order)
    start = html.index('data-testid="cannot-fix"')
    note = html[start:html.index("</section>", start)]
    assert words in note and "cancel this order and create it again" in note


def test_an_order_no_facility_can_make_says_what_to_do(merchant_client, make_order, settle, without_demo_network):
    from tests.production import factories

    factories.facility("DE", makes=["canvas"])  # a network, but nothing in it makes posters
    order = make_order()
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status == Fulfillment.ON_HOLD
    assert [p["code"] for p in order.problems] == ["no_facility"]
    html = _page(merchant_client, order)
    start = html.index('data-testid="cannot-fix"')
    note = html[start:html.index("</section>", start)]
    assert "routes it again by itself" in note and "cancel this order" in note
    assert "choose <strong>Reprocess</strong>" not in html
