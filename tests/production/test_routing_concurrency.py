"""Two routers at once on PostgreSQL: capacity and stock stay exact (the routing lock serialises deciding).

Each thread has its own database connection and routes small batches until the queue is empty, so their
transactions interleave; whatever the interleaving, the facility with little capacity and the one with little
stock must take exactly what they have, never more."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from platen.accounts import services as accounts
from platen.orders.models import Address, Order, OrderItem
from platen.production import routing as rule
from platen.production.models import DailyLoad, Facility, Material, Partner, ProductionJob
from platen.production.services import routing
from tests.orders.factories import POSTER
from tests.production import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write transaction"),
]

ORDERS = 40


def _queued_orders(count: int) -> None:
    account = accounts.create_account("Two Routers", "two-routers@example.com")
    now = timezone.now()
    addresses = Address.objects.bulk_create([Address(
        first_name="Ada", last_name="Lovelace", address_line1="1 Main Street", city="Berlin", post_code="10115",
        country="DE") for _ in range(count)])
    orders = Order.objects.bulk_create([Order(
        account=account, order_reference_id=f"two-{n}", customer_reference_id="c", currency="EUR",
        fulfillment_status="created", financial_status="pending", shipping_address=a, shipment_method_uid="tracked_post",
        shipment_method_name="Tracked Post", ordered_at=now) for n, a in enumerate(addresses)])
    OrderItem.objects.bulk_create([OrderItem(order=o, position=0, item_reference_id="poster", product_uid=POSTER,
                                             quantity=1, fulfillment_status="created") for o in orders])
    routing.request([o.pk for o in orders])


def test_two_routers_at_once_never_give_away_more_capacity_or_stock_than_there_is():
    Facility.objects.all().delete()
    Partner.objects.all().delete()
    paper = rule.material_for("poster", POSTER)
    few_jobs = factories.facility("DE", capacity=6, code="de-few-jobs")  # the best: in DE, cheapest
    little_paper = factories.facility("DE", stock={paper: 7}, code="de-little-paper", cost_index="1.50")
    factories.facility("JP", capacity=1000, stock={paper: 1000}, code="jp-rest")
    _queued_orders(ORDERS)

    start, failures = threading.Barrier(2), []

    def router() -> None:
        try:
            start.wait(timeout=30)
            while routing.route_waiting(limit=3).taken:
                pass
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=router) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    assert not any(t.is_alive() for t in threads)

    jobs = {code: ProductionJob.objects.filter(facility__code=code).count()
            for code in ("de-few-jobs", "de-little-paper", "jp-rest")}
    assert jobs == {"de-few-jobs": 6, "de-little-paper": 7, "jp-rest": ORDERS - 13}
    assert Order.objects.filter(production_job__isnull=True).count() == 0
    assert sum(DailyLoad.objects.filter(facility=few_jobs).values_list("jobs", flat=True)) == 6
    assert Material.objects.get(facility=little_paper, code=paper).quantity == 0
    assert Material.objects.get(facility=few_jobs, code=paper).quantity == 100 - 6
