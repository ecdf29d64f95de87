"""The catalog is editable in the admin, and admin edits reach order evaluation at once."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from platen.accounts.models import User
from platen.catalog import models as m
from platen.catalog.services import evaluate_order

from .factories import FRAMED_A4, PHOTO_BOOK, order

pytestmark = pytest.mark.django_db

CATALOG_MODELS = [model for model in admin.site._registry if model._meta.app_label == "catalog"]


@pytest.fixture
def operator() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "a long password 123"))
    return client


def test_every_catalog_table_is_in_the_admin():
    assert set(CATALOG_MODELS) >= {
        m.CustomsZone, m.Region, m.Product, m.ShipmentMethod, m.ShipmentRate, m.ShippingRestriction,
        m.QuantityLimit, m.CrossBorderRequirement,
    }


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda model: model.__name__)
def test_list_add_and_change_pages_open(operator, model):
    opts = model._meta
    assert operator.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    assert operator.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    first = model.objects.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
    assert operator.get(change).status_code == 200


def test_the_product_page_edits_prices_and_availability_inline(operator):
    book = m.Product.objects.get(uid=PHOTO_BOOK)
    page = operator.get(reverse("admin:catalog_product_change", args=[book.pk])).content.decode()
    assert 'name="prices-0-amount"' in page and 'name="availability-0-in_stock"' in page


def test_a_restriction_edited_in_the_admin_applies_to_the_next_order(operator):
    restriction = m.ShippingRestriction.objects.get(kind="framed_poster")
    brazil = order((FRAMED_A4, 1), country="BR", phone="+55 11 91234 5678", federal_tax_id="123")
    assert [p.code for p in evaluate_order(brazil).problems] == ["destination_not_allowed"]

    response = operator.post(reverse("admin:catalog_shippingrestriction_change", args=[restriction.pk]), {
        "product": "", "kind": "framed_poster", "countries": "in, mx\nZA", "reason": restriction.reason,
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    restriction.refresh_from_db()
    assert restriction.countries == ["IN", "MX", "ZA"]
    assert evaluate_order(brazil).problems == []


def test_the_admin_refuses_a_bad_country_code(operator):
    restriction = m.ShippingRestriction.objects.get(kind="framed_poster")
    response = operator.post(reverse("admin:catalog_shippingrestriction_change", args=[restriction.pk]), {
        "product": "", "kind": "framed_poster", "countries": "Brazil", "reason": "x",
    })
    assert response.status_code == 200  # the form again, with the error
    assert "two-letter" in response.content.decode()
    restriction.refresh_from_db()
    assert "BR" in restriction.countries
