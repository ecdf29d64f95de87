"""Routing `created` orders to facilities, through the real pipeline: an order is created through the API, its
jobs run (`settle`), and the routing job assigns it, splits it or holds it. Jobs run through the worker's own
code path."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from platen.orders.models import Order, Receipt
from platen.production import tasks
from platen.production.models import DailyLoad, Material, ProductionJob
from platen.production.services import routing as service
from tests.orders.factories import BERLIN, order_payload
from tests.production import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_demo_network")]

SYDNEY = {"firstName": "Ada", "lastName": "Lovelace", "addressLine1": "1 Macquarie St", "city": "Sydney", "state": "NSW",
          "postCode": "2000", "country": "AU", "email": "ada@example.com", "phone": "+61 2 9250 7111"}


def history(order_id, type_=None):
    from platen.orders.models import OrderEvent
    events = OrderEvent.objects.filter(order_id=order_id).order_by("id")
    return [e for e in events if type_ is None or e.type == type_]


def test_an_order_is_routed_to_the_nearest_facility_that_makes_everything(api, settle, files):
    near = factories.facility("DE", makes=["poster", "t_shirt"], name="Berlin Print")
    factories.facility("NL", makes=["poster", "t_shirt"], name="Amsterdam Print")
    factories.facility("US", makes=["poster", "t_shirt"], name="Reno Print")
    factories.facility("GB", makes=["poster"], name="Leeds Print")  # no t-shirts
    factories.carrier_service("tracked_post", carrier_code="dhl", from_countries=["DE"], to_countries=["DE"], name="Paket", min_days=1, max_days=2)

    order = factories.order_through_pipeline(api, settle)  # a poster (2 pieces) and a t-shirt in M to Berlin
    assert order.fulfillment_status == "created"  # routing does not move it: the partner does
    job = ProductionJob.objects.get(order=order)
    assert job.facility == near and job.partner == near.partner
    assert job.carrier_service.name == "Paket"
    assert job.due_date == service.production_day(near, timezone.now())
    [routed] = history(order.pk, "routed")
    assert routed.params["facility"] == near.code
    runners = routed.params["runnersUp"]
    assert [r["name"] for r in runners] == ["Amsterdam Print", "Reno Print"]
    assert runners[0]["reason"].startswith("Not in DE")
    assert any("does not make" in r["reason"] for r in routed.params["ruledOut"])
    assert job.decision["winner"]["facility"] == near.code
    # Stock and capacity were taken: 2 sheets of paper, 1 t-shirt blank in M, one job for the day.
    stock = dict(Material.objects.filter(facility=near).values_list("code", "quantity"))
    assert stock["paper-200gsm"] == 98 and stock["tshirt-blank-M"] == 99 and stock["tshirt-blank-L"] == 100
    assert DailyLoad.objects.get(facility=near, day=job.due_date).jobs == 1
    # The delivery estimate counts from the day the parcel reaches the carrier.
    order.refresh_from_db()
    assert order.min_delivery_date == job.due_date + timedelta(days=1)
    assert order.max_delivery_date == job.due_date + timedelta(days=2)
    assert order.fulfillment_country == "DE"
    assert history(order.pk, "delivery_estimate_updated")


def test_routing_twice_changes_nothing(api, settle, files):
    factories.facility("DE", makes=["poster", "t_shirt"])
    order = factories.order_through_pipeline(api, settle)
    with transaction.atomic():
        tasks.enqueue_route(order.pk)
    settle()
    assert ProductionJob.objects.filter(order=order).count() == 1
    assert len(history(order.pk, "routed")) == 1


def test_an_order_routed_after_the_cutoff_is_due_the_next_day(api, settle, files):
    now = timezone.now()
    zone = "Europe/Berlin"
    local = now.astimezone(__import__("zoneinfo").ZoneInfo(zone))
    # A cut-off an hour ago (or at midnight when it is just past midnight): routed now, it is tomorrow's job.
    cutoff = (local - timedelta(hours=1)).time() if local.hour >= 1 else time(0, 0)
    late = factories.facility("DE", makes=["poster", "t_shirt"], cutoff=cutoff, time_zone=zone)
    order = factories.order_through_pipeline(api, settle)
    job = ProductionJob.objects.get(order=order)
    assert job.facility == late
    assert job.due_date == local.date() + timedelta(days=1)


def test_the_production_day_moves_at_the_cutoff():
    facility = factories.facility("DE", cutoff=time(14, 0), time_zone="Europe/Berlin")
    berlin = __import__("zoneinfo").ZoneInfo("Europe/Berlin")
    before = datetime(2026, 3, 2, 13, 59, tzinfo=berlin)
    after = datetime(2026, 3, 2, 14, 1, tzinfo=berlin)
    assert service.production_day(facility, before) == before.date()
    assert service.production_day(facility, after) == before.date() + timedelta(days=1)
    # Late evening in UTC is already the next day in Sydney.
    sydney = factories.facility("AU", cutoff=time(23, 0), time_zone="Australia/Sydney")
    assert service.production_day(sydney, datetime(2026, 3, 2, 20, 0, tzinfo=ZoneUTC())).isoformat() == "2026-03-03"


def ZoneUTC():
    return UTC


def test_capacity_used_up_goes_to_the_next_best(api, settle, files):
    busy = factories.facility("DE", makes=["poster", "t_shirt"], capacity=1, name="Berlin Print")
    other = factories.facility("PL", makes=["poster", "t_shirt"], name="Warsaw Print")
    first = factories.order_through_pipeline(api, settle)
    second = factories.order_through_pipeline(api, settle)
    assert ProductionJob.objects.get(order=first).facility == busy
    assert ProductionJob.objects.get(order=second).facility == other
    [routed] = history(second.pk, "routed")
    assert {"facility": busy.code, "reason": "Berlin Print has no capacity left for its production day."} in routed.params["ruledOut"]


def test_an_order_no_facility_can_make_is_held_and_routed_once_stock_arrives(api, settle, files):
    sydney = factories.facility("AU", makes=["poster"], stock={"paper-200gsm": 0})
    factories.facility("DE", makes=["poster"], ships_to=["DE", "FR", "NL"])
    order = factories.order_through_pipeline(api, settle, shippingAddress=SYDNEY, items=[factories.poster_item("poster-1", 1)])
    assert order.fulfillment_status == "on_hold", order.problems
    sentence = "No facility has 200 gsm paper in stock for AU."
    assert order.problems == [{"field": "", "code": "no_facility", "message": sentence}]
    [held] = history(order.pk, "routing_held")
    assert held.reason == sentence
    moved = [e for e in history(order.pk, "order_status_changed") if e.params["to"] == "on_hold"]
    assert moved and moved[0].reason == sentence
    assert not ProductionJob.objects.filter(order=order).exists()

    # The sweep finds nothing new to do: no history is added while nothing changed.
    before = len(history(order.pk))
    service.reroute_held()
    assert len(history(order.pk)) == before

    # Stock arrives; whoever added it enqueues the reroute job in the same transaction.
    with transaction.atomic():
        Material.objects.filter(facility=sydney, code="paper-200gsm").update(quantity=5)
        tasks.enqueue_reroute_held()
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status == "created" and order.problems == []
    assert ProductionJob.objects.get(order=order).facility == sydney
    assert Material.objects.get(facility=sydney, code="paper-200gsm").quantity == 4
    assert [e.params["to"] for e in history(order.pk, "order_status_changed")][-2:] == ["on_hold", "created"]


def test_a_held_order_stays_apart_from_the_account_hold(api, account, settle, files):
    from platen.orders.services import holds

    factories.facility("DE", makes=["poster"])  # no t-shirts anywhere
    order = factories.order_through_pipeline(api, settle)
    assert order.fulfillment_status == "on_hold"
    before = len(history(order.pk))
    holds.release_account(account)  # an operator releases an account hold: it is not this one
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status == "on_hold" and len(history(order.pk)) == before
    assert order.problems[0]["message"].startswith("No facility makes")


def test_an_order_no_one_facility_can_make_is_split_into_connected_orders(api, settle, files):
    posters = factories.facility("DE", makes=["poster"], name="Berlin Posters")
    shirts = factories.facility("PL", makes=["t_shirt"], name="Warsaw Shirts")
    created = api.post("/v4/orders", order_payload(orderReferenceId="split-me")).json()
    total, items_price = Decimal(created["totalInclVat"]), Decimal(created["price"]["items"])
    settle()
    order = Order.objects.get(pk=created["id"])

    parts = list(Order.objects.filter(order_reference_id="split-me").order_by("created_at"))
    assert len(parts) == 2 and parts[0].pk == order.pk
    assert parts[0].split_group and parts[0].split_group == parts[1].split_group
    assert {p.fulfillment_status for p in parts} == {"created"}
    assert [i.item_reference_id for i in parts[0].items.all()] == ["poster-1"]
    assert [i.item_reference_id for i in parts[1].items.all()] == ["shirt-1"]
    assert ProductionJob.objects.get(order=parts[0]).facility == posters
    assert ProductionJob.objects.get(order=parts[1]).facility == shirts
    # The copy has its own address row with the same contents.
    assert parts[1].shipping_address_id != parts[0].shipping_address_id
    assert parts[1].shipping_address.city == BERLIN["city"]
    # Money stays whole: the parts cost what the order was priced at; shipping is billed once.
    assert sum(p.total_incl_vat for p in parts) == total
    assert sum(p.items_price for p in parts) == items_price
    assert parts[1].shipping_price == Decimal("0.00")
    receipts = {r.order_id: r for r in Receipt.objects.filter(order__in=parts).prefetch_related("items")}
    assert [x.type for x in receipts[parts[0].pk].items.all()] == ["product", "shipping"]
    assert [x.type for x in receipts[parts[1].pk].items.all()] == ["product"]
    # The history of each part says so, and each lists the other as connected.
    for part in parts:
        [split] = history(part.pk, "order_split")
        assert set(split.params["orderIds"]) == {str(p.pk) for p in parts}
    first = api.get(f"/v4/orders/{parts[0].pk}").json()
    second = api.get(f"/v4/orders/{parts[1].pk}").json()
    assert first["connectedOrderIds"] == [str(parts[1].pk)] and second["connectedOrderIds"] == [str(parts[0].pk)]
    assert first["orderReferenceId"] == second["orderReferenceId"] == "split-me"
    assert float(first["totalInclVat"]) + float(second["totalInclVat"]) == pytest.approx(float(total))


def test_without_a_network_orders_wait_in_created_until_one_exists(api, settle, files):
    order = factories.order_through_pipeline(api, settle)
    assert order.fulfillment_status == "created" and order.problems == []
    assert not history(order.pk, "routing_held") and not ProductionJob.objects.filter(order=order).exists()
    with transaction.atomic():  # what the network's services do after adding facilities
        factories.facility("DE", makes=["poster", "t_shirt"])
        tasks.enqueue_reroute_held()
    settle()
    assert ProductionJob.objects.filter(order=order).exists()


def test_the_sweep_routes_created_orders_that_were_never_queued(api, settle, files):
    from platen.production.models import RoutingRequest

    order = factories.order_through_pipeline(api, settle)  # no network: queued, waiting
    RoutingRequest.objects.all().delete()  # e.g. created before routing existed
    factories.facility("DE", makes=["poster", "t_shirt"])
    service.reroute_held()
    assert ProductionJob.objects.filter(order=order).exists()


# ---- the order page ---------------------------------------------------------------------------------------

from tests.dashboard.conftest import merchant, merchant_client  # noqa: F401  (the dashboard's login fixtures)


def test_the_order_page_shows_where_and_why(api, settle, files, merchant_client):  # noqa: F811
    factories.facility("DE", makes=["poster", "t_shirt"], name="Berlin Print")
    factories.facility("US", makes=["poster", "t_shirt"], name="Reno Print")
    order = factories.order_through_pipeline(api, settle)
    html = merchant_client.get(f"/orders/{order.pk}/").content.decode()
    start = html.index('data-testid="routing"')
    card = html[start:html.index("</section>", start)]
    assert "Berlin Print" in card and "(DE)" in card
    assert "Reno Print" in card and "Not in DE (Berlin Print is)." in card
    assert "Routed to Berlin Print (DE), due " in html  # the history line


def test_the_page_of_a_split_order_links_its_connected_orders(api, settle, files, merchant_client):  # noqa: F811
    factories.facility("DE", makes=["poster"], name="Berlin Posters")
    factories.facility("PL", makes=["t_shirt"], name="Warsaw Shirts")
    order = factories.order_through_pipeline(api, settle)
    other = Order.objects.exclude(pk=order.pk).get(split_group=order.split_group)
    html = merchant_client.get(f"/orders/{order.pk}/").content.decode()
    assert f'href="/orders/{other.pk}/"' in html and "Split into 2 connected orders" in html
    assert "This order: poster-1" in html and f"Order {str(other.pk)[:8]}: shirt-1" in html
