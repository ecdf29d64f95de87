"""Exactly one order per real-world order: Idempotency-Key and preventDuplicate, also under real concurrency."""

import threading

import pytest
from django.db import connection

from platen.intake.models import IntakeRequest
from platen.orders.models import Order
from tests.conftest import ApiClient
from tests.orders.factories import order_payload


@pytest.mark.django_db
def test_same_idempotency_key_returns_the_same_order(api):
    payload = order_payload()
    first = api.post("/v4/orders", payload, headers={"Idempotency-Key": "k-1"})
    again = api.post("/v4/orders", payload, headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Order.objects.count() == 1
    assert sorted(IntakeRequest.objects.values_list("status", flat=True)) == ["accepted", "duplicate"]
    types = [e["type"] for e in api.get(f"/v4/orders/{first.json()['id']}/events").json()["events"]]
    assert "duplicate_submission" in types


@pytest.mark.django_db
def test_reusing_a_key_for_another_order_is_a_conflict(api):
    api.post("/v4/orders", order_payload(), headers={"Idempotency-Key": "k-1"})
    response = api.post("/v4/orders", order_payload(), headers={"Idempotency-Key": "k-1"})
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_account(api, other_api):
    payload = order_payload()
    mine = api.post("/v4/orders", payload, headers={"Idempotency-Key": "shared"})
    theirs = other_api.post("/v4/orders", payload, headers={"Idempotency-Key": "shared"})
    assert (mine.status_code, theirs.status_code) == (200, 200)
    assert mine.json()["id"] != theirs.json()["id"]


@pytest.mark.django_db
def test_prevent_duplicate_returns_the_existing_order_by_reference(api):
    first = api.post("/v4/orders", order_payload(orderReferenceId="shop-1001"))
    again = api.post("/v4/orders", order_payload(orderReferenceId="shop-1001", preventDuplicate=True))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    without = api.post("/v4/orders", order_payload(orderReferenceId="shop-1001"))
    assert without.status_code == 200 and without.json()["id"] != first.json()["id"]


def _concurrently(n: int, call) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["idempotency_key", "prevent_duplicate"])
def test_concurrent_identical_creates_give_one_order(api, mode):
    payload = order_payload(preventDuplicate=mode == "prevent_duplicate")
    headers = {"Idempotency-Key": "same-key"} if mode == "idempotency_key" else {}
    clients = [ApiClient(api.key) for _ in range(8)]
    responses = _concurrently(8, lambda: clients.pop().post("/v4/orders", payload, headers=headers))
    assert all(r is not None for r in responses)
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 8, [r.content for r in responses]  # replays answer like the create: never 201
    assert len({r.json()["id"] for r in responses}) == 1
    assert Order.objects.count() == 1
    assert IntakeRequest.objects.filter(status="duplicate").count() == 7
