"""Reconciliation against the Shopify emulator: every store order of the window in exactly one bucket, a missing
order healed and reported, a skipped one left skipped with its reason, an auth failure failing the run, the API
(queued runs, newest first), the due sweep."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from platen.diagnostics import tasks
from platen.diagnostics.models import ReconciliationRun
from platen.diagnostics.services import reconciliation
from platen.intake.models import IntakeRequest
from platen.jobs import enqueue, run_pending
from platen.orders.models import Order
from platen.stores.models import SkuMapping, Store, StoreOrder
from platen.stores.services import importing, pulls
from platen.stores.statuses import Bucket, StoreStatus
from tests.dashboard.conftest import merchant, merchant_client  # noqa: F401 (fixtures)
from tests.emulators.shopify import ShopifyEmulator
from tests.orders.factories import POSTER
from tests.stores.import_support import print_files, shopify_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    with ShopifyEmulator() as emulator:
        yield emulator


@pytest.fixture
def store(account, shop, loopback_fetching):
    made = shopify_store(account, shop)
    SkuMapping.objects.create(store=made, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
    return made


@pytest.fixture
def poster(shop):
    return shop.add_product("Poster", [{"sku": "PA3-MATTE", "options": {"Size": "A3"}}])


def add(shop, variant, *, hours_ago: float = 2, **options):
    return shop.add_order([{"variant": variant, "quantity": 1}], shipping_title=None,
                          created_at=shop.now() - timedelta(hours=hours_ago), **options)


def window(store):
    return store.connected_at, timezone.now()


def test_a_run_puts_every_store_order_in_one_bucket_and_heals_the_missing_one(store, shop, poster):
    unmapped = shop.add_product("Mug", [{"sku": "MUG-11", "options": {"Size": "11oz"}}])
    imported = add(shop, poster.variants[0])
    unpaid = add(shop, poster.variants[0], financial_status="pending")
    waiting = add(shop, unmapped.variants[0])
    pulls.pull(store)  # Platen sees these three: imported, skipped (not paid), waiting (SKU not mapped)
    # Recorded with another placed time than the store's (an edited order): still found, by its id.
    StoreOrder.objects.filter(external_id=str(waiting.id)).update(placed_at=store.connected_at - timedelta(days=3))
    missing = add(shop, poster.variants[0], hours_ago=1)  # never reached Platen: no webhook, no pull since
    missing_unpaid = add(shop, poster.variants[0], hours_ago=1, financial_status="pending")
    older = shop.add_order(created_at=store.connected_at - timedelta(days=1))  # placed before the window ...
    shop.update_order(older.id, note="changed today")  # ... though changed in it: listed by the store, not counted
    requests_before = IntakeRequest.objects.count()

    run = reconciliation.reconcile(store, *window(store), "api")

    assert run.status == "done" and run.error == "" and run.finished_at is not None
    assert run.store_orders == 5
    assert run.counts == {"imported": 1, "waiting": 1, "skipped": 1, "missing": 2, "healed": 1}
    assert run.reasons == {"not_paid": 2, "sku_not_mapped": 1}
    healed_order = Order.objects.get(external_id=str(missing.id))
    assert run.healed == [{"externalId": str(missing.id), "number": missing.name,
                           "placedAt": missing.created_at.isoformat(), "orderId": str(healed_order.pk)}]
    assert [(m["externalId"], m["bucket"], m["reasonCode"]) for m in run.missing] == [
        (str(missing_unpaid.id), "skipped", "not_paid")]
    assert run.missing[0]["why"].startswith("Payment for the order is still pending in Shopify")
    # The healed order went through intake like any store order; the other is now recorded with its reason.
    assert healed_order.intake_request.store_id == store.pk and IntakeRequest.objects.count() == requests_before + 2
    assert StoreOrder.objects.get(external_id=str(missing.id)).bucket == Bucket.IMPORTED
    assert StoreOrder.objects.get(external_id=str(missing_unpaid.id)).reason_code == "not_paid"
    # The skipped order stays skipped with its reason; the waiting one waits; nothing was imported twice.
    skipped = StoreOrder.objects.get(external_id=str(unpaid.id))
    assert (skipped.bucket, skipped.reason_code, skipped.order_id) == (Bucket.SKIPPED, "not_paid", None)
    assert StoreOrder.objects.get(external_id=str(waiting.id)).bucket == Bucket.WAITING
    assert Order.objects.filter(external_id=str(imported.id)).count() == 1 and Order.objects.count() == 2

    again = reconciliation.reconcile(store, *window(store), "schedule")  # a second run finds nothing missing
    assert again.counts == {"imported": 2, "waiting": 1, "skipped": 2, "missing": 0, "healed": 0}
    assert (again.healed, again.missing, Order.objects.count()) == ([], [], 2)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_on_postgresql_the_missing_orders_are_healed_by_threads_each_once(store, shop, poster,
                                                                                                 monkeypatch):
    missing = [add(shop, poster.variants[0], hours_ago=3 - n / 10) for n in range(6)]
    unpaid = add(shop, poster.variants[0], hours_ago=1, financial_status="pending")
    threads = []
    import_order = importing.import_order

    def spied(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return import_order(*args, **kwargs)

    monkeypatch.setattr(importing, "import_order", spied)
    run = reconciliation.reconcile(store, *window(store), "api")

    assert run.status == "done" and run.counts == {"imported": 0, "waiting": 0, "skipped": 0, "missing": 7, "healed": 6}
    assert [h["externalId"] for h in run.healed] == [str(o.id) for o in missing]  # in the store's listing order
    assert [m["externalId"] for m in run.missing] == [str(unpaid.id)] and run.reasons == {"not_paid": 1}
    assert Order.objects.count() == 6 and IntakeRequest.objects.count() == 7
    assert {o.external_id for o in Order.objects.all()} == {str(o.id) for o in missing}
    on_postgresql = connection.vendor == "postgresql"
    assert len(threads) == 7 and all(name.startswith("reconcile-heal-") == on_postgresql for name in threads)
    again = reconciliation.reconcile(store, *window(store), "schedule")
    assert again.counts == {"imported": 6, "waiting": 0, "skipped": 1, "missing": 0, "healed": 0}


def test_an_auth_failure_during_a_run_fails_it_with_the_reason_and_stops_the_store(store, shop, poster):
    add(shop, poster.variants[0])
    shop.token = "rotated"
    run = reconciliation.reconcile(store, *window(store), "api")
    assert run.status == "failed" and run.finished_at is not None
    assert run.error.startswith("Shopify refused Platen's access token") and "reconnect the store" in run.error
    assert Store.objects.get(pk=store.pk).status == StoreStatus.AUTH_FAILED
    stopped = reconciliation.reconcile(Store.objects.get(pk=store.pk), *window(store), "api")
    assert stopped.status == "failed" and stopped.error.startswith("The store is stopped by a failed sign-in")


def test_the_api_queues_a_run_and_lists_runs_newest_first(api, other_api, store, shop, poster):
    missing = add(shop, poster.variants[0], hours_ago=3)
    answer = api.post(f"/v4/stores/{store.pk}:reconcile")
    assert answer.status_code == 202, answer.content
    queued = answer.json()
    assert (queued["status"], queued["trigger"], queued["storeOrders"]) == ("queued", "api", 0)
    assert api.post(f"/v4/stores/{store.pk}:reconcile").json()["id"] == queued["id"]  # one run at a time
    run_pending()
    done = api.get(f"/v4/stores/{store.pk}/reconciliations/{queued['id']}").json()
    assert done["status"] == "done" and done["storeOrders"] == 1
    assert done["counts"] == {"imported": 0, "waiting": 0, "skipped": 0, "missing": 1, "healed": 1}
    assert done["healed"][0]["externalId"] == str(missing.id) and done["healed"][0]["number"] == missing.name

    start = (timezone.now() - timedelta(hours=5)).replace(tzinfo=None).isoformat()  # no offset: UTC
    reversed_window = api.post(f"/v4/stores/{store.pk}:reconcile", {"windowStart": start, "windowEnd": "2026-01-01T00:00:00Z"})
    assert reversed_window.status_code == 400 and reversed_window.json()["message"] == "The window starts after it ends."
    second = api.post(f"/v4/stores/{store.pk}:reconcile", {"windowStart": start}).json()
    assert second["windowStart"].startswith(start[:16])
    run_pending()
    listed = api.get(f"/v4/stores/{store.pk}/reconciliations").json()["reconciliations"]
    assert [r["id"] for r in listed] == [second["id"], queued["id"]]
    assert listed[0]["counts"]["imported"] == 1
    assert other_api.get(f"/v4/stores/{store.pk}/reconciliations").status_code == 404
    assert other_api.post(f"/v4/stores/{store.pk}:reconcile").status_code == 404
    assert api.get(f"/v4/stores/{store.pk}/reconciliations/{store.pk}").status_code == 404


def test_the_due_sweep_queues_one_run_per_active_store_a_day(store, settings):
    assert reconciliation.enqueue_due() == 1
    assert reconciliation.enqueue_due() == 0  # queued: not again
    run_pending()
    assert ReconciliationRun.objects.get().status == "done"
    assert reconciliation.enqueue_due() == 0  # ran less than a day ago
    later = timezone.now() + timedelta(hours=settings.PLATEN.reconcile_interval_hours, minutes=1)
    assert reconciliation.enqueue_due(later) == 1


def test_reconcile_now_in_the_dashboard_and_the_report_on_the_store_page(merchant_client, store, shop, poster):
    page = f"/stores/{store.pk}/"
    assert "Not run yet" in merchant_client.get(page).content.decode()
    missing = add(shop, poster.variants[0], hours_ago=3)
    answer = merchant_client.post(f"/stores/{store.pk}/reconcile/")
    assert answer.status_code == 302 and answer["Location"].endswith("#reconcile")
    run_pending()
    html = merchant_client.get(page).content.decode()
    healed = Order.objects.get(external_id=str(missing.id))
    assert 'data-count="missing">1' in html and f'href="/orders/{healed.pk}/"' in html and "(1 imported now)" in html
    runs_page = merchant_client.get(f"/stores/{store.pk}/reconciliations/").content.decode()
    assert "from the dashboard" in runs_page and missing.name in runs_page


def test_another_accounts_store_has_no_reconciliation_pages(merchant_client, other_account):
    from tests.stores import factories

    theirs = factories.store(other_account)
    assert merchant_client.get(f"/stores/{theirs.pk}/reconciliations/").status_code == 404
    assert merchant_client.post(f"/stores/{theirs.pk}/reconcile/").status_code == 404
    assert not ReconciliationRun.objects.exists()


def test_the_due_sweep_ends_a_run_whose_worker_died_after_stale_run(store):
    long_ago = timezone.now() - reconciliation.STALE_RUN - timedelta(minutes=1)
    dead = reconciliation.start(store, "api")  # queued; its worker died before finishing
    ReconciliationRun.objects.filter(pk=dead.pk).update(status="running", started_at=long_ago)
    recent = ReconciliationRun.objects.create(store=store, trigger="api", status="queued", window_start=long_ago,
                                              window_end=timezone.now(), started_at=timezone.now())

    enqueue(tasks.reconcile_due)  # the hourly sweep, as the scheduler queues it
    run_pending()

    dead.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at is not None
    assert dead.error.startswith("This reconciliation stopped before it finished")
    assert ReconciliationRun.objects.get(pk=recent.pk).status == "queued"  # not stale yet: still waited for
    assert reconciliation.end_stale() == 0
