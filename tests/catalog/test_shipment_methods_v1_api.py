"""GET /v1/shipment-methods over HTTP, against the shipped catalog file and the order rules."""

from __future__ import annotations

import pytest
import yaml

from platen.catalog import models as m
from platen.catalog.loader import DEFAULT_PATH
from platen.catalog.services import evaluate_order

from tests.contract import shapes as wire
from .factories import POSTER_A4, order

pytestmark = pytest.mark.django_db

METHODS = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))["shipment_methods"]


def methods(api, query: str = "") -> dict[str, wire.ShipmentMethod]:
    response = api.get(f"/v1/shipment-methods{query}")
    assert response.status_code == 200, response.content
    return {sm.shipmentMethodUid: sm for sm in wire.ShipmentMethods.model_validate(response.json()).shipmentMethods}


def test_every_method_with_the_original_types(api):
    listed = methods(api)
    assert set(listed) == {sm["uid"] for sm in METHODS}
    for entry in METHODS:
        method = listed[entry["uid"]]
        assert method.name == entry["name"]
        # The original knows normal, express and pallet; Platen's "standard" tier is a normal service there.
        assert method.type == {"standard": "normal"}.get(entry["type"], entry["type"])
        assert (method.hasTracking, method.isBusiness, method.isPrivate) == (True, True, True)
    assert {sm.type for sm in listed.values()} <= {"normal", "express", "pallet"}


def test_supported_countries_are_the_destinations_of_the_method_rates(api):
    listed = methods(api)
    assert listed["usps_ground_advantage"].supportedCountries == ["PR", "US"]
    assert listed["royal_mail_tracked_48"].supportedCountries == ["GB", "GG", "IM", "JE"]
    assert "RU" not in listed["tracked_post"].supportedCountries  # sanctions: no method delivers there
    assert {"DE", "CA", "AU", "NZ", "JP"} <= set(listed["tracked_post"].supportedCountries)
    assert not {"US", "GB"} & set(listed["tracked_post"].supportedCountries)


@pytest.mark.parametrize("country", ["US", "CH", "DE", "GB", "JP", "NZ", "RU"])
def test_filtered_by_country_as_orders_can_use_them(api, country):
    listed = methods(api, f"?country={country}")
    usable = set()
    for sm in METHODS:
        facts = order((POSTER_A4, 1), country=country, shipment_method=sm["uid"], phone="+1 1", state="NY")
        if not any(p.field == "shipmentMethodUid" or p.code == "destination_not_allowed"
                   for p in evaluate_order(facts).problems):
            usable.add(sm["uid"])
    assert set(listed) == usable
    assert all(country in sm.supportedCountries for sm in listed.values())


def test_flags_come_from_the_catalog(api):
    m.ShipmentMethod.objects.filter(uid="usps_ground_advantage").update(has_tracking=False, is_business=False)
    m.CatalogVersion.bump()
    usps = methods(api, "?country=US")["usps_ground_advantage"]
    assert (usps.hasTracking, usps.isBusiness, usps.isPrivate) == (False, False, True)


@pytest.mark.parametrize("country", ["us", "USA", "XX", ""])
def test_a_bad_country_is_a_400(api, country):
    response = api.get(f"/v1/shipment-methods?country={country}")
    assert response.status_code == 400
    body = wire.Error.model_validate(response.json())
    assert body.code == "invalid_request" and [d.field for d in body.details] == ["country"]
