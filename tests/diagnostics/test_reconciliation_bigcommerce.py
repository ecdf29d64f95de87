"""Reconciliation against the BigCommerce emulator: the order list's rows alone are compared (no products or
addresses requests per order), every store order of the window lands in one bucket, and the missing ones are
fetched whole and healed or recorded with their reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from platen.diagnostics.services import reconciliation, reconciliation_healing
from platen.orders.models import Order
from platen.stores.connectors.bigcommerce import BigCommerce
from platen.stores.models import SkuMapping, StoreOrder
from platen.stores.services import pulls
from platen.stores.statuses import Bucket
from tests.orders.factories import POSTER
from tests.stores.import_support import bigcommerce_store, map_shipping, print_files

pytestmark = pytest.mark.django_db

AWAITING_PAYMENT = 7


@pytest.fixture
def store(account, bc, loopback_fetching):
    made = bigcommerce_store(account, bc)
    SkuMapping.objects.create(store=made, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
    map_shipping(made, "Flat Rate")
    return made


def add(bc, sku: str = "PA3-MATTE", *, hours_ago: float = 2, **options) -> int:
    return bc.add_order([{"sku": sku, "quantity": 1}], created=datetime.now(UTC) - timedelta(hours=hours_ago), **options)


def order_requests(bc) -> list[str]:
    """The paths of the requests about single orders (products, addresses, the order itself)."""
    return [path.split("?")[0] for _, path, _ in bc.requests if "/v2/orders/" in path]


def test_a_run_lists_only_rows_heals_the_missing_order_and_reports_the_buckets(store, bc):
    bc.add_product("Poster", [{"sku": "PA3-MATTE", "options": {"Size": "A3"}}])
    imported = add(bc)
    unpaid = add(bc, status_id=AWAITING_PAYMENT)
    waiting = add(bc, "MUG-11")
    pulls.pull(store)  # Platen sees these three: imported, skipped (not paid), waiting (SKU not mapped)
    missing = add(bc, hours_ago=1)  # never reached Platen
    missing_unpaid = add(bc, hours_ago=1, status_id=AWAITING_PAYMENT)
    older = add(bc, hours_ago=48)  # placed before the store was connected ...
    bc.touch(older)  # ... though changed since: listed by the store, not counted
    bc.requests.clear()

    run = reconciliation.reconcile(store, store.connected_at, timezone.now(), "api")

    assert run.status == "done" and run.error == ""
    assert run.store_orders == 5
    assert run.counts == {"imported": 1, "waiting": 1, "skipped": 1, "missing": 2, "healed": 1}
    assert run.reasons == {"not_paid": 2, "sku_not_mapped": 1}
    healed = Order.objects.get(external_id=str(missing))
    assert [(h["externalId"], h["number"], h["orderId"]) for h in run.healed] == [(str(missing), str(missing), str(healed.pk))]
    assert [(m["externalId"], m["bucket"], m["reasonCode"]) for m in run.missing] == [
        (str(missing_unpaid), "skipped", "not_paid")]
    assert healed.shipping_address.city and healed.items.count() == 1  # fetched whole: its products and address
    # Only the two missing orders were read one by one (the order, its products, its addresses).
    fetched = {path.split("/v2/orders/")[1].split("/")[0] for path in order_requests(bc)}
    assert fetched == {str(missing), str(missing_unpaid)}
    assert StoreOrder.objects.get(external_id=str(unpaid)).bucket == Bucket.SKIPPED
    assert StoreOrder.objects.get(external_id=str(waiting)).bucket == Bucket.WAITING
    assert Order.objects.filter(external_id=str(imported)).count() == 1 and Order.objects.count() == 2

    again = reconciliation.reconcile(store, store.connected_at, timezone.now(), "schedule")
    assert again.counts == {"imported": 2, "waiting": 1, "skipped": 2, "missing": 0, "healed": 0}


def test_an_order_archived_between_the_listing_and_its_fetch_is_reported_not_imported(store, bc, monkeypatch):
    bc.add_product("Poster", [{"sku": "PA3-MATTE", "options": {"Size": "A3"}}])
    gone = add(bc)
    listed = BigCommerce.order_refs_since

    def then_archived(self, updated_since):  # the merchant archives each order just after the list shows it
        for ref in listed(self, updated_since):
            bc.archive_order(int(ref.external_id))
            yield ref

    monkeypatch.setattr(BigCommerce, "order_refs_since", then_archived)
    run = reconciliation.reconcile(store, store.connected_at, timezone.now(), "api")
    assert run.status == "done" and run.counts["missing"] == 1 and run.counts["healed"] == 0
    assert run.missing == [{"externalId": str(gone), "number": str(gone), "placedAt": run.missing[0]["placedAt"],
                            "why": reconciliation_healing.GONE}]
    assert not Order.objects.exists() and not StoreOrder.objects.exists()
