"""Operators manage the production network in the dashboard: partners, facilities, stock; merchants get 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from platen.accounts import services as accounts
from platen.production.models import Facility, Material, Partner
from tests.dashboard.conftest import PASSWORD

pytestmark = pytest.mark.django_db

REROUTE = "platen.production.tasks.reroute_held"
FACILITY = {
    "name": "Kiwi Print Auckland", "code": "nz-auckland-1", "country": "nz", "city": "Auckland",
    "latitude": "-36.8485", "longitude": "174.7633", "time_zone": "Pacific/Auckland", "cutoff": "14:30",
    "daily_capacity": "120", "production_days": "1", "cost_index": "1.10", "ships_to": "NZ, AU",
    "makes": ["poster", "mug"], "makes_products": "", "active": "on",
}


@pytest.fixture
def operator_client(client):
    client.force_login(accounts.create_user(None, "operator@platen.test", PASSWORD, operator=True))
    return client


@pytest.fixture
def merchant_client(account):
    merchant = Client()
    merchant.force_login(accounts.create_user(account, "merchant@acme.test", PASSWORD))
    return merchant


def reroutes() -> int:
    return DBTaskResult.objects.filter(task_path=REROUTE).count()


def test_the_network_page_lists_partners_facilities_capacity_and_stock(operator_client):
    page = operator_client.get("/network/").content.decode()
    assert "Druckwerk Nord" in page and "Atlas Print Reno" in page and "Kobo Print Tokyo" in page
    assert "0 / 400" in page  # Berlin's capacity today: nothing taken yet
    assert "paper-200gsm" in page and "America/Los_Angeles" in page


def test_low_stock_is_highlighted(operator_client):
    Material.objects.filter(facility__code="jp-tokyo-1", code="mug-blank-11oz").update(quantity=7)
    page = operator_client.get("/network/").content.decode()
    row = page[page.index('data-code="jp-tokyo-1"'):]
    row = row[:row.index("</tr>")]
    assert 'is-low" title="White ceramic mugs, size 11oz" data-low="true"><span class="mono">mug-blank-11oz</span> <strong>7</strong>' in row
    assert row.count('data-low="true"') == 1


def test_operator_creates_a_partner_and_its_facility_then_adds_stock(operator_client):
    before = reroutes()
    response = operator_client.post("/network/partners/new/", {"name": "Kiwi Print", "email": "hi@kiwi.test", "active": "on"}, follow=True)
    partner = Partner.objects.get(name="Kiwi Print")
    assert "The partner Kiwi Print was created" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/network/partners/{partner.id}/facilities/new/"

    response = operator_client.post(f"/network/partners/{partner.id}/facilities/new/", FACILITY, follow=True)
    facility = Facility.objects.get(code="nz-auckland-1")
    assert "The facility Kiwi Print Auckland was created" in response.content.decode()
    assert (facility.partner, facility.country, facility.ships_to, facility.makes) == (partner, "NZ", ["NZ", "AU"], ["poster", "mug"])
    assert (facility.cutoff.hour, facility.cutoff.minute, facility.daily_capacity) == (14, 30, 120)
    assert reroutes() == before + 1  # a new facility may take held orders

    response = operator_client.post(f"/network/facilities/{facility.id}/stock/", {"code": "paper-200gsm", "quantity": "250"}, follow=True)
    assert "Kiwi Print Auckland now has 250 of paper-200gsm." in response.content.decode()
    operator_client.post(f"/network/facilities/{facility.id}/stock/", {"code": "paper-200gsm", "quantity": "50"})
    assert Material.objects.get(facility=facility, code="paper-200gsm").quantity == 300
    assert reroutes() == before + 3
    assert "Kiwi Print Auckland" in operator_client.get("/network/").content.decode()


def test_operator_edits_a_facility_and_a_partner(operator_client):
    facility = Facility.objects.get(code="us-reno-1")
    page = operator_client.get(f"/network/facilities/{facility.id}/").content.decode()
    assert 'value="America/Los_Angeles"' in page and 'value="15:00"' in page
    form = {**FACILITY, "code": "us-reno-1", "name": "Atlas Print Reno", "country": "US", "time_zone": "America/Los_Angeles",
            "daily_capacity": "900", "ships_to": "*", "makes": ["poster", "t_shirt"]}
    form.pop("active")  # unticked: the facility stops taking orders
    operator_client.post(f"/network/facilities/{facility.id}/", form)
    facility.refresh_from_db()
    assert (facility.daily_capacity, facility.ships_to, facility.makes, facility.active) == (900, ["*"], ["poster", "t_shirt"], False)

    partner = facility.partner
    operator_client.post(f"/network/partners/{partner.id}/", {"name": "Atlas Print Group", "email": "", "active": "on"})
    partner.refresh_from_db()
    assert partner.name == "Atlas Print Group"


def test_the_facility_form_explains_each_mistake_and_changes_nothing(operator_client):
    partner = Partner.objects.get(name="Kobo Print")
    bad = {**FACILITY, "code": "jp-tokyo-1", "country": "Japan", "time_zone": "Tokyo/Japan", "cutoff": "25:00",
           "daily_capacity": "-5", "latitude": "north", "ships_to": "JPN", "makes": []}
    response = operator_client.post(f"/network/partners/{partner.id}/facilities/new/", bad)
    page = response.content.decode()
    assert response.status_code == 200
    for sentence in ("Japan is not a country code: use two letters, such as DE or US.",
                     "Tokyo/Japan is not a time zone: use an IANA name such as Europe/Berlin or America/New_York.",
                     "Write the cut-off as a local time of day with hours and minutes, such as 14:00.",
                     "Enter the orders a day the facility can take as a whole number, 0 or more.",
                     "Enter the latitude as a number, such as 1.05.",
                     "JPN is not a country code",
                     "Choose at least one kind of product the facility makes."):
        assert sentence in page, sentence
    assert 'value="Tokyo/Japan"' in page  # what was typed stays in the form
    # A taken code is refused with a sentence too.
    page = operator_client.post(f"/network/partners/{partner.id}/facilities/new/", {**FACILITY, "code": "jp-tokyo-1"}).content.decode()
    assert "Another facility already has the code jp-tokyo-1; choose another." in page
    assert Facility.objects.filter(partner=partner).count() == 1


def test_partner_and_stock_forms_refuse_bad_input(operator_client):
    assert "Enter the partner&#x27;s name." in operator_client.post("/network/partners/new/", {"name": " "}).content.decode()
    page = operator_client.post("/network/partners/new/", {"name": "kobo print"}).content.decode()
    assert "A partner named kobo print already exists; choose another name." in page
    facility = Facility.objects.get(code="jp-tokyo-1")
    response = operator_client.post(f"/network/facilities/{facility.id}/stock/", {"code": "paper 200", "quantity": "lots"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "paper 200 is not a material code" in page and "Enter the quantity to add as a whole number." in page
    page = operator_client.post(f"/network/facilities/{facility.id}/stock/", {"code": "unobtainium", "quantity": "5"}).content.decode()
    assert "unobtainium is not a material orders use; use one of paper-200gsm, paper-photo," in page
    operator_client.post(f"/network/facilities/{facility.id}/stock/", {"code": "Tshirt-Blank-m", "quantity": "5"})
    assert Material.objects.get(facility=facility, code="tshirt-blank-M").quantity == 5
    page = operator_client.post(f"/network/facilities/{facility.id}/stock/", {"code": "paper-170gsm", "quantity": "-100000"}).content.decode()
    assert "Kobo Print Tokyo has 900 of paper-170gsm; it cannot take away 100000." in page
    assert Material.objects.get(facility=facility, code="paper-170gsm").quantity == 900


def test_merchants_get_404_and_partner_logins_403(merchant_client):
    facility = Facility.objects.get(code="de-berlin-1")
    for url in ("/network/", "/network/partners/new/", f"/network/partners/{facility.partner_id}/",
                f"/network/partners/{facility.partner_id}/facilities/new/", f"/network/facilities/{facility.id}/"):
        assert merchant_client.get(url).status_code == 404, url
    assert merchant_client.post(f"/network/facilities/{facility.id}/stock/", {"code": "canvas", "quantity": "5"}).status_code == 404
    assert merchant_client.post("/network/partners/new/", {"name": "Mine"}).status_code == 404
    assert not Partner.objects.filter(name="Mine").exists()
    assert "Network" not in merchant_client.get("/orders/").content.decode()

    login = accounts.create_user(None, "printer@druckwerk.test", PASSWORD)
    login.partner = facility.partner
    login.save()
    partner_client = Client()
    partner_client.force_login(login)
    assert partner_client.get("/network/")["Location"] == "/production/"  # a partner login lands on its own queue
    assert Material.objects.get(facility=facility, code="canvas").quantity == 350


def test_unknown_ids_are_404(operator_client):
    assert operator_client.get("/network/partners/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert operator_client.get("/network/facilities/00000000-0000-0000-0000-000000000000/").status_code == 404
