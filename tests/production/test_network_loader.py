"""The network file: the shipped demo network, idempotent loading, edits, bad files, the CLI and the
post-migrate load."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
import yaml
from django.core.management.sql import emit_post_migrate_signal
from django_tasks_db.models import DBTaskResult

from platen import cli
from platen.catalog.models import Product, ProductKind, ShipmentMethod
from platen.kit.errors import InvalidRequest
from platen.production import materials
from platen.production import models as m
from platen.production.loader import DEFAULT_PATH, load_network
from platen.production.shipping import choose_service

pytestmark = pytest.mark.django_db

TABLES = (m.Partner, m.Facility, m.Material, m.Carrier, m.CarrierService)
CONTINENTS = {"DE": "Europe", "NL": "Europe", "GB": "Europe", "US": "North America", "CA": "North America",
              "BR": "South America", "AU": "Oceania", "JP": "Asia"}


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def shipped() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def write(tmp_path, data: dict):
    path = tmp_path / "network.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_a_fresh_database_holds_the_demo_network():
    facilities = list(m.Facility.objects.select_related("partner"))
    assert len(facilities) >= 8
    assert len({CONTINENTS[f.country] for f in facilities}) >= 4
    assert m.Partner.objects.count() >= 5
    # Some overlap: more than one partner makes posters and t-shirts.
    for kind in ("poster", "t_shirt"):
        assert len({f.partner_id for f in facilities if kind in f.makes}) >= 2, kind
    berlin = m.Facility.objects.get(code="de-berlin-1")
    assert (berlin.time_zone, berlin.cutoff, berlin.country) == ("Europe/Berlin", time(14, 0), "DE")
    assert berlin.materials.get(code="paper-200gsm").quantity == 6000
    assert {c.code for c in m.Carrier.objects.all()} >= {
        "dhl", "ups", "usps", "fedex", "royal-mail", "australia-post", "canada-post", "postnl"}
    assert all("{code}" in c.tracking_url_template and c.tracking_url_template.startswith("https://")
               for c in m.Carrier.objects.all())
    assert m.Carrier.objects.get(code="usps").tracking_url("9400100000000000000000") == \
        "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000"


def test_every_material_and_product_in_the_file_is_one_the_network_knows():
    codes = set(materials.all_codes())
    assert set(m.Material.objects.values_list("code", flat=True)) <= codes
    for facility in m.Facility.objects.all():
        for made in facility.makes:
            assert made in ProductKind.values or Product.objects.filter(uid=made).exists(), made


def test_every_facility_has_a_carrier_service_for_every_method_and_destination():
    methods = list(ShipmentMethod.objects.values_list("uid", flat=True))
    assert len(methods) >= 5
    for facility in m.Facility.objects.all():
        destinations = ["DE", "US", "GB", "JP", "BR", "AU"] if facility.ships_to == ["*"] else facility.ships_to
        for method in methods:
            for destination in destinations:
                assert choose_service(method, facility.country, destination) is not None, (facility.code, method, destination)
    # A local carrier beats the worldwide fallback.
    assert str(choose_service("tracked_post", "US", "US")) == "USPS Ground Advantage"
    assert str(choose_service("tracked_post", "GB", "GB")) == "Royal Mail Tracked 48"
    assert str(choose_service("tracked_post", "NL", "NL")) == "PostNL Pakket"
    assert choose_service("dhl_parcel", "DE", "JP").carrier.code == "dhl"


def test_loading_twice_changes_nothing():
    before = table_counts()
    first = load_network()
    second = load_network()
    assert table_counts() == before
    assert first == second
    assert "(0 new, 0 changed)" in second and "10 facilities (0 new, 0 changed)" in second


def test_edits_in_the_file_are_applied_by_code_and_name(tmp_path):
    data = shipped()
    druckwerk = next(p for p in data["partners"] if p["name"] == "Druckwerk Nord")
    berlin = druckwerk["facilities"][0]
    berlin.update(daily_capacity=500, cutoff="15:30", ships_to=["DE", "AT"])
    berlin["materials"]["canvas"] = 10
    berlin["materials"]["mug-blank-11oz"] = 40
    druckwerk["email"] = "new@druckwerk-nord.example"
    dhl = next(c for c in data["carriers"] if c["code"] == "dhl")
    dhl["services"][0]["days"] = [1, 1]
    before = table_counts()
    reroutes = DBTaskResult.objects.filter(task_path="platen.production.tasks.reroute_held").count()

    summary = load_network(write(tmp_path, data))

    assert "1 changed" in summary
    assert table_counts() == {**before, "Material": before["Material"] + 1}
    facility = m.Facility.objects.get(code="de-berlin-1")
    assert (facility.daily_capacity, facility.cutoff, facility.ships_to) == (500, time(15, 30), ["DE", "AT"])
    assert {x.code: x.quantity for x in facility.materials.all()}["canvas"] == 10
    assert facility.materials.get(code="mug-blank-11oz").quantity == 40
    assert m.Partner.objects.get(name="Druckwerk Nord").email == "new@druckwerk-nord.example"
    assert {(s.min_days, s.max_days) for s in m.CarrierService.objects.filter(carrier__code="dhl", name="Paket")} == {(1, 1)}
    # Held orders get another chance.
    assert DBTaskResult.objects.filter(task_path="platen.production.tasks.reroute_held").count() == reroutes + 1

    # Loading the shipped file again restores its values; the extra material stays (the file does not name it).
    load_network()
    facility.refresh_from_db()
    assert (facility.daily_capacity, facility.cutoff) == (400, time(14, 0))
    assert facility.materials.get(code="canvas").quantity == 350
    assert facility.materials.get(code="mug-blank-11oz").quantity == 40


def test_a_facility_added_in_the_dashboard_is_kept(tmp_path):
    partner = m.Partner.objects.create(name="Extra Print")
    m.Facility.objects.create(partner=partner, code="xx-extra-1", name="Extra", country="FR", latitude=Decimal("48.8"),
                              longitude=Decimal("2.3"), time_zone="Europe/Paris", cutoff=time(12), daily_capacity=5)
    load_network()
    assert m.Facility.objects.filter(code="xx-extra-1").exists()


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d.update(depots=[]), "unknown sections ['depots']"),
    (lambda d: d["partners"][0]["facilities"][0].update(time_zone="Berlin"),
     "facility de-berlin-1: Berlin is not a time zone: use an IANA name"),
    (lambda d: d["partners"][0]["facilities"][0].update(country="Deutschland"), "facility de-berlin-1: Deutschland is not a country code"),
    (lambda d: d["partners"][0]["facilities"][0].update(cutoff="2pm"), "Write the cut-off as a local time of day"),
    (lambda d: d["partners"][0]["facilities"][0].update(makes=["posters"]), "The catalog has no product kind or product 'posters'"),
    (lambda d: d["partners"][0]["facilities"][0]["materials"].update(canvas=-1), "is not a quantity"),
    (lambda d: d["partners"][0]["facilities"][0]["materials"].update(vinyl=5), "vinyl is not a material orders use"),
    (lambda d: d["partners"][0]["facilities"][1].update(code="de-berlin-1"), "facility de-berlin-1 is listed twice"),
    (lambda d: d["carriers"][0].update(tracking_url_template="https://dhl.example/"), "needs {code}"),
    (lambda d: d["carriers"][0]["services"][0].update(methods=["teleport"]), "no shipment method 'teleport'"),
    (lambda d: d["carriers"][0]["services"][0].update(days=[5, 2]), "'days' must be [min, max]"),
])
def test_bad_files_are_refused_with_a_reason_and_change_nothing(tmp_path, mutate, expected):
    data = shipped()
    data["partners"][0]["facilities"][0]["daily_capacity"] = 1  # would change if anything were applied
    mutate(data)
    with pytest.raises(InvalidRequest) as caught:
        load_network(write(tmp_path, data))
    assert expected in caught.value.message
    assert m.Facility.objects.get(code="de-berlin-1").daily_capacity == 400


def test_an_unquoted_cutoff_is_read_as_the_time_it_says(tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace('cutoff: "14:00"', "cutoff: 14:00", 1)
    path = tmp_path / "network.yaml"
    path.write_text(text, encoding="utf-8")
    load_network(path)
    assert m.Facility.objects.get(code="de-berlin-1").cutoff == time(14, 0)


def test_the_cli_loads_a_file_and_reports_errors(tmp_path, capsys):
    data = shipped()
    data["partners"][0]["facilities"][0]["daily_capacity"] = 410
    assert cli.main(["partners", "load", "--file", str(write(tmp_path, data))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("network loaded from network.yaml: 7 partners") and "10 facilities (0 new, 1 changed)" in out
    assert m.Facility.objects.get(code="de-berlin-1").daily_capacity == 410
    assert cli.main(["partners", "load"]) == 0
    assert m.Facility.objects.get(code="de-berlin-1").daily_capacity == 400
    capsys.readouterr()
    assert cli.main(["partners", "load", "--file", str(tmp_path / "missing.yaml")]) == 1
    assert "Cannot read the network file" in capsys.readouterr().err


def test_migrate_loads_the_network_only_into_a_database_without_facilities():
    m.Facility.objects.filter(code="de-berlin-1").update(daily_capacity=3)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert m.Facility.objects.get(code="de-berlin-1").daily_capacity == 3  # an existing network is never overwritten

    m.Facility.objects.all().delete()
    m.Partner.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert m.Facility.objects.get(code="de-berlin-1").daily_capacity == 400
    assert m.Facility.objects.count() == 10
    assert not DBTaskResult.objects.filter(task_path="platen.production.tasks.reroute_held").exists()


def test_material_codes():
    tee_m = "apparel_product_gca_t-shirt_gsc_crewneck_gcu_unisex_gqa_classic_gsi_m_gco_white_gpr_4-0"
    hoodie_l = "apparel_product_gca_hoodie_gsc_pullover_gcu_unisex_gqa_classic_gsi_l_gco_black_gpr_4-0"
    assert materials.material_for(tee_m, "t_shirt") == "tshirt-blank-M"
    assert materials.material_for(hoodie_l, "hoodie") == "hoodie-blank-L"
    assert materials.material_for("mug_product_msz_15-oz_mmat_ceramic-white_cl_4-0", "mug") == "mug-blank-15oz"
    assert materials.material_for("flat_product_pf_a4_pt_200-gsm-uncoated_cl_4-0_ver", "poster") == "paper-200gsm"
    assert materials.material_for("cards_pf_a6_pt_350-gsm-coated-silk_cl_4-4_ft_fold-ver", "greeting_card") == "paper-200gsm"
    assert materials.material_for("framed_poster_x", "framed_poster") == "paper-photo"
    assert materials.material_for("canvas_x", "canvas") == "canvas"
    # A product named otherwise: its size comes from the catalog's attributes.
    product = Product.objects.get(uid=tee_m)
    product.pk, product.uid = None, "my-shop-tee-medium"
    product.save()
    for link in Product.objects.get(uid=tee_m).attribute_links.all():
        link.pk, link.product = None, product
        link.save()
    assert materials.material_for("my-shop-tee-medium", "t_shirt") == "tshirt-blank-M"
    assert materials.material_for("no-such-tee", "t_shirt") == "tshirt-blank-any"
    for product in Product.objects.all():
        assert materials.material_for(product.uid, product.kind) in materials.all_codes(), product.uid
