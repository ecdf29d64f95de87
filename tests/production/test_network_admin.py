"""The production network in the admin: every page opens, a facility's stock is edited inline (held orders are
routed again), and a tracking source's secret is write-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from platen.accounts import services as accounts
from platen.kit import encryption
from platen.production.services.tracking import PURPOSE
from platen.production import models as m
from tests.dashboard.conftest import PASSWORD

pytestmark = pytest.mark.django_db

MODELS = [m.Partner, m.Facility, m.Carrier, m.TrackingSource]


@pytest.fixture
def operator_client(client):
    client.force_login(accounts.create_user(None, "operator@platen.test", PASSWORD, operator=True))
    return client


def url(model, action: str, *args) -> str:
    return reverse(f"admin:production_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_list_add_and_change_pages_open(operator_client, model):
    assert model in admin.site._registry
    assert operator_client.get(url(model, "changelist")).status_code == 200
    assert operator_client.get(url(model, "add")).status_code == 200
    first = model.objects.first()
    if first is not None:
        assert operator_client.get(url(model, "change", first.pk)).status_code == 200


def test_facility_stock_is_edited_inline(operator_client):
    facility = m.Facility.objects.get(code="jp-tokyo-1")
    page = operator_client.get(url(m.Facility, "change", facility.pk)).content.decode()
    assert "JP, KR, TW, HK, SG" in page and "mug-blank-11oz" in page
    stock = list(facility.materials.order_by("id"))
    form = {
        "partner": facility.partner_id, "code": facility.code, "name": facility.name, "country": "JP", "city": "Tokyo",
        "latitude": "35.6762", "longitude": "139.6503", "time_zone": "Asia/Tokyo", "cutoff": "13:00",
        "daily_capacity": "200", "makes": "poster, mug", "ships_to": "jp, kr", "cost_index": "1.2",
        "production_days": "2", "active": "on",
        "materials-TOTAL_FORMS": str(len(stock) + 1), "materials-INITIAL_FORMS": str(len(stock)),
        "materials-MIN_NUM_FORMS": "0", "materials-MAX_NUM_FORMS": "1000",
    }
    for n, material in enumerate(stock):
        form.update({f"materials-{n}-id": material.pk, f"materials-{n}-facility": facility.pk,
                     f"materials-{n}-code": material.code, f"materials-{n}-name": material.name,
                     f"materials-{n}-quantity": str(material.quantity + 1)})
    form.update({f"materials-{len(stock)}-code": "paper-photo", f"materials-{len(stock)}-quantity": "40"})
    response = operator_client.post(url(m.Facility, "change", facility.pk), form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    facility.refresh_from_db()
    assert (facility.makes, facility.ships_to) == (["poster", "mug"], ["JP", "KR"])
    assert facility.materials.get(code="paper-photo").quantity == 40
    assert facility.materials.get(code="paper-170gsm").quantity == 901
    assert DBTaskResult.objects.filter(task_path="platen.production.tasks.reroute_held").exists()

    form[f"materials-{len(stock)}-code"] = "vinyl"
    assert "vinyl is not a material orders use" in operator_client.post(url(m.Facility, "change", facility.pk), form).content.decode()
    form["time_zone"] = "Japan/Tokyo"
    assert "is not a time zone" in operator_client.post(url(m.Facility, "change", facility.pk), form).content.decode()


def test_a_tracking_source_secret_is_stored_encrypted_and_never_shown(operator_client):
    response = operator_client.post(url(m.TrackingSource, "add"), {"kind": "easypost", "name": "EasyPost", "secret": "whsec_topsecret"})
    assert response.status_code == 302
    source = m.TrackingSource.objects.get(name="EasyPost")
    assert "topsecret" not in source.secret_encrypted and encryption.decrypt(source.secret_encrypted, PURPOSE) == "whsec_topsecret"
    page = operator_client.get(url(m.TrackingSource, "change", source.pk)).content.decode()
    assert "topsecret" not in page and source.secret_encrypted not in page
    # Saving without a new secret keeps the old one.
    operator_client.post(url(m.TrackingSource, "change", source.pk), {"kind": "easypost", "name": "EasyPost main", "secret": ""})
    source.refresh_from_db()
    assert (source.name, encryption.decrypt(source.secret_encrypted, PURPOSE)) == ("EasyPost main", "whsec_topsecret")
    refused = operator_client.post(url(m.TrackingSource, "add"), {"kind": "aftership", "name": "No secret"}).content.decode()
    assert "Enter the signing secret" in refused
