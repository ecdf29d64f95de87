"""The catalog file: shipped data, idempotent loading, edits, bad files, the CLI and the post-migrate load."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from django.core.management.sql import emit_post_migrate_signal

from platen import cli
from platen.catalog import models as m
from platen.catalog.loader import DEFAULT_PATH, load_catalog
from platen.catalog.services import evaluate_order
from platen.catalog.signals import WATCHED
from platen.kit.errors import InvalidRequest

from .factories import FRAMED_A4, MUG_11OZ, POSTER_A4, order

pytestmark = pytest.mark.django_db


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WATCHED}


def shipped() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def write(tmp_path, data: dict):
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_fresh_database_holds_the_shipped_catalog():
    assert m.Product.objects.count() >= 20
    assert set(m.Product.objects.values_list("kind", flat=True)) == set(m.ProductKind.values)
    assert set(m.Region.objects.values_list("code", flat=True)) == {"EU", "US", "GB", "CA", "AU", "ROW"}
    assert set(m.ShipmentMethod.objects.values_list("type", flat=True)) == {"normal", "standard", "express"}
    assert set(m.ProductPrice.objects.values_list("currency", flat=True)) == {"EUR", "USD", "GBP"}
    book = m.Product.objects.get(kind="photo_book", width_mm=200)
    assert (book.page_count_min, book.page_count_max, book.page_count_step) == (24, 200, 2)
    norway = m.Region.objects.get(code="EU").countries
    assert "NO" in norway and False not in norway  # YAML's "Norway problem" is avoided


def test_loading_twice_is_idempotent():
    before = table_counts()
    first = load_catalog()
    second = load_catalog()
    assert table_counts() == before
    assert first == second
    assert "24 products (0 new, 0 changed)" in second


def test_edits_in_the_file_are_applied_and_the_shipped_file_restores_them(tmp_path):
    data = shipped()
    poster = next(p for p in data["products"] if p["uid"] == POSTER_A4)
    poster.update(name="Poster A4 (new paper)", prices={"EUR": "9.50", "USD": 10.5}, out_of_stock=["GB"])
    data["products"].append({
        "uid": "flat_product_pf_a2_pt_200-gsm-uncoated_cl_4-0_ver", "kind": "poster", "name": "Poster A2",
        "size_mm": [420, 594], "bleed_mm": 3, "file_types": ["pdf"], "weight_g": 120, "regions": ["EU"],
        "prices": {"EUR": 15.9},
    })
    data["restrictions"] = data["restrictions"][:1]  # framed posters may now go to Brazil
    data["quantity_limits"] = [{"max_per_order": 10}]

    summary = load_catalog(write(tmp_path, data))

    assert "25 products (1 new, 1 changed)" in summary
    product = m.Product.objects.get(uid=POSTER_A4)
    assert product.name == "Poster A4 (new paper)"
    assert {p.currency: p.amount for p in product.prices.all()} == {"EUR": Decimal("9.50"), "USD": Decimal("10.50")}
    assert not product.availability.get(region__code="GB").in_stock
    assert m.ShippingRestriction.objects.count() == 1
    # The cached catalog follows the load.
    assert evaluate_order(order((POSTER_A4, 2))).items_price == Decimal("19.00")
    assert [p.code for p in evaluate_order(order((POSTER_A4, 11))).problems] == ["quantity_limit"]
    assert evaluate_order(order((FRAMED_A4, 1), country="BR", phone="+55 1", federal_tax_id="1")).problems == []

    load_catalog()  # back to the shipped file; the product it does not list is kept

    assert {p.currency: p.amount for p in product.prices.all()}["GBP"] == Decimal("7.90")
    assert product.availability.get(region__code="GB").in_stock
    assert m.ShippingRestriction.objects.count() == 3
    assert m.Product.objects.filter(uid="flat_product_pf_a2_pt_200-gsm-uncoated_cl_4-0_ver").exists()


def test_a_shipment_rate_removed_from_the_file_is_removed(tmp_path):
    data = shipped()
    tracked = next(sm for sm in data["shipment_methods"] if sm["uid"] == "tracked_post")
    tracked["rates"] = [r for r in tracked["rates"] if r.get("country") != "CH"]
    load_catalog(write(tmp_path, data))
    assert not m.ShipmentRate.objects.filter(method__uid="tracked_post", country="CH").exists()
    result = evaluate_order(order((POSTER_A4, 1), country="CH", phone="+41 1", shipment_method="normal"))
    assert result.shipment.price == Decimal("4.49")  # the region-wide rate applies again


def test_a_bad_file_changes_nothing_and_says_where_it_is_wrong(tmp_path):
    data = shipped()
    data["products"][0]["prices"] = {"EUR": 1}
    data["products"][5]["kind"] = "poster_xl"
    before = table_counts()
    with pytest.raises(InvalidRequest) as caught:
        load_catalog(write(tmp_path, data))
    assert data["products"][5]["uid"] in caught.value.message and "kind" in caught.value.message
    assert table_counts() == before
    assert m.ProductPrice.objects.get(product__uid=data["products"][0]["uid"], currency="EUR").amount != 1


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d.update(product=[]), "unknown sections ['product']"),
    (lambda d: d["products"][0].update(colour="red"), "unknown keys ['colour']"),
    (lambda d: d["regions"][0].update(customs_zone="XX"), "customs_zone 'XX' is not defined"),
    (lambda d: d["products"][0].update(out_of_stock=["MARS"]), "regions ['MARS'] are not defined"),
    (lambda d: d["restrictions"].append({"product": "nope", "countries": ["DE"], "reason": "x"}), "no such product"),
    (lambda d: d["regions"][0]["countries"].append(False), "False is not a two-letter country code"),
    (lambda d: d["products"][-1].update(pages={"min": 24, "max": 25, "step": 2}), "page count maximum"),
])
def test_bad_files_are_refused_with_a_reason(tmp_path, mutate, expected):
    data = shipped()
    mutate(data)
    with pytest.raises(InvalidRequest, match=expected.replace("[", r"\[").replace("]", r"\]")):
        load_catalog(write(tmp_path, data))


def test_the_cli_loads_a_file_and_reports_errors(tmp_path, capsys):
    assert cli.main(["catalog", "load"]) == 0
    assert "24 products" in capsys.readouterr().out
    assert cli.main(["catalog", "load", "--file", str(tmp_path / "missing.yaml")]) == 1
    assert "Cannot read the catalog file" in capsys.readouterr().err


def test_migrate_loads_the_catalog_only_into_an_empty_database():
    price = m.ProductPrice.objects.get(product__uid=MUG_11OZ, currency="EUR")
    price.amount = Decimal("1.00")
    price.save()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    price.refresh_from_db()
    assert price.amount == Decimal("1.00")  # an existing catalog is never overwritten by migrate

    m.Product.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert m.ProductPrice.objects.get(product__uid=MUG_11OZ, currency="EUR").amount == Decimal("7.90")
    assert evaluate_order(order((MUG_11OZ, 1))).problems == []


def test_every_catalog_change_gets_a_new_version_token():
    first = m.CatalogVersion.current()
    load_catalog()
    second = m.CatalogVersion.current()
    m.QuantityLimit.objects.filter(kind="").delete()
    third = m.CatalogVersion.current()
    assert len({first, second, third}) == 3
