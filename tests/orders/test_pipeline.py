"""The asynchronous order pipeline: checks, file fetching, personalization, approval and holds.

Jobs run through the worker's own code path (`settle`); files come from a real HTTP server on loopback.
"""

import dataclasses
from pathlib import Path

import pytest

from platen.accounts import services as accounts
from platen.jobs import Retry
from platen.orders import pipeline, tasks
from platen.notifications.models import OutboxMessage
from platen.orders.models import ItemFile
from platen.orders.services import holds
from tests.orders.factories import POSTER, order_payload

pytestmark = pytest.mark.django_db


def create(api, settle, **overrides) -> dict:
    response = api.post("/v4/orders", order_payload(**overrides))
    assert response.status_code == 200, response.content
    assert response.json()["fulfillmentStatus"] == "received"  # the checks run as jobs
    settle()
    return api.get(f"/v4/orders/{response.json()['id']}").json()


def history(api, order_id) -> list[str]:
    return [e["type"] for e in api.get(f"/v4/orders/{order_id}/events").json()["events"]]


def order_moves(api, order_id) -> list[tuple[str, str]]:
    events = api.get(f"/v4/orders/{order_id}/events").json()["events"]
    return [(e["parameters"]["from"], e["parameters"]["to"]) for e in events if e["type"] == "order_status_changed"]


def test_a_good_order_goes_to_production(api, settle, files):
    order = create(api, settle)
    assert order["fulfillmentStatus"] == "created"
    assert order_moves(api, order["id"]) == [("received", "uploading"), ("uploading", "passed"), ("passed", "created")]
    fetched = ItemFile.objects.filter(item__order_id=order["id"])
    assert all(len(f.content_sha256) == 64 and f.size > 0 and f.detected_type for f in fetched)


def test_an_unreachable_file_fails_the_order_with_its_reason(api, settle, files):
    items = order_payload()["items"]
    items[0]["files"] = [{"type": "default", "url": files.url("/status/410")}]
    order = create(api, settle, items=items)
    assert order["fulfillmentStatus"] == "failed"
    problem = order["problems"][0]
    assert problem["field"] == "items[0].files[0]" and problem["code"] == "file_not_fetched"
    assert "410" in problem["message"] or "expired" in problem["message"]
    # ... and the merchant is told by e-mail, with the reason.
    [mail] = OutboxMessage.objects.filter(order_id=order["id"])
    assert mail.kind == "needs_action" and mail.to == "ops@acme.test" and mail.status == "sent"
    assert problem["message"] in mail.body_text


def test_content_problems_fail_before_any_file_is_fetched(api, settle, files):
    order = create(api, settle, items=[{"itemReferenceId": "x", "productUid": "nope", "quantity": 1,
                                        "files": [{"url": files.url("/files/print.pdf")}]}])
    assert order["fulfillmentStatus"] == "failed"
    assert order_moves(api, order["id"]) == [("received", "failed")]
    assert files.hits == []


def test_a_print_file_is_required_unless_the_product_is_personalizable(api, settle, files):
    order = create(api, settle, items=[{"itemReferenceId": "p", "productUid": POSTER, "quantity": 1}])
    assert order["fulfillmentStatus"] == "failed" and order["problems"][0]["code"] == "missing_file"


def test_personalization_is_awaited_then_the_order_moves_on(api, settle, files):
    items = order_payload()["items"]
    items[1]["files"] = []  # the t-shirt's artwork comes from the customer later
    order = create(api, settle, items=items)
    assert order["fulfillmentStatus"] == "pending_personalization"
    assert [i["fulfillmentStatus"] for i in order["items"]] == ["passed", "pending_personalization"]
    response = api.put(f"/v4/orders/{order['id']}/items/shirt-1/files",
                       {"files": [{"type": "front", "url": files.url("/files/print.png")}]})
    assert response.status_code == 200 and response.json()["items"][1]["fulfillmentStatus"] == "received"
    settle()
    assert api.get(f"/v4/orders/{order['id']}").json()["fulfillmentStatus"] == "created"
    assert "personalization_received" in history(api, order["id"])


def test_personalization_of_an_item_not_waiting_is_refused(api, settle, files):
    order = create(api, settle)
    response = api.put(f"/v4/orders/{order['id']}/items/shirt-1/files", {"files": [{"url": files.url("/files/print.png")}]})
    assert response.status_code == 409 and response.json()["code"] == "not_pending_personalization"
    assert api.put(f"/v4/orders/{order['id']}/items/nope/files", {"files": [{"url": files.url("/files/print.png")}]}).status_code == 404


def test_manual_approval(api, settle, files, account):
    accounts.set_approval(account, "manual", None)
    order = create(api, settle)
    assert order["fulfillmentStatus"] == "pending_approval"
    approved = api.post(f"/v4/orders/{order['id']}:approve")
    assert approved.status_code == 200 and approved.json()["fulfillmentStatus"] == "created"
    assert "approved" in history(api, order["id"])
    again = api.post(f"/v4/orders/{order['id']}:approve")
    assert again.status_code == 409 and again.json()["code"] == "not_pending_approval"


def test_rejecting_cancels(api, settle, files, account):
    accounts.set_approval(account, "manual", None)
    order = create(api, settle)
    rejected = api.post(f"/v4/orders/{order['id']}:reject", {"reason": "not this one"})
    assert rejected.json()["fulfillmentStatus"] == "canceled"


def test_delayed_approval_can_be_approved_earlier_and_the_delay_then_changes_nothing(api, settle, files, account):
    accounts.set_approval(account, "delayed", 12)
    order = create(api, settle)
    assert order["fulfillmentStatus"] == "pending_approval"
    scheduled = [e for e in api.get(f"/v4/orders/{order['id']}/events").json()["events"] if e["type"] == "approval_scheduled"]
    assert scheduled[0]["parameters"] == {"afterHours": 12}
    api.post(f"/v4/orders/{order['id']}:approve")
    before = history(api, order["id"])
    pipeline.approve_after_delay(order["id"])  # what the delayed job runs when its time comes
    assert history(api, order["id"]) == before


def test_delayed_approval_approves_when_the_delay_runs_out(api, settle, files, account):
    accounts.set_approval(account, "delayed", 6)
    order = create(api, settle)
    pipeline.approve_after_delay(order["id"])
    assert api.get(f"/v4/orders/{order['id']}").json()["fulfillmentStatus"] == "created"


def test_delayed_approval_after_a_cancel_does_nothing(api, settle, files, account):
    accounts.set_approval(account, "delayed", 6)
    order = create(api, settle)
    api.post(f"/v4/orders/{order['id']}:cancel")
    pipeline.approve_after_delay(order["id"])
    assert api.get(f"/v4/orders/{order['id']}").json()["fulfillmentStatus"] == "canceled"


def test_orders_of_a_held_account_wait_and_resume_on_release(api, settle, files, account):
    holds.hold_account(account, "Unpaid invoices.")
    order = create(api, settle)
    assert order["fulfillmentStatus"] == "on_hold"
    events = api.get(f"/v4/orders/{order['id']}/events").json()["events"]
    assert "Unpaid invoices." in events[-1]["reason"]
    assert holds.release_account(account) == 1
    settle()
    assert api.get(f"/v4/orders/{order['id']}").json()["fulfillmentStatus"] == "created"


def test_reprocess_runs_the_checks_again(api, settle, files):
    order = create(api, settle, shippingAddress={**order_payload()["shippingAddress"], "postCode": "1"})
    assert order["fulfillmentStatus"] == "failed"
    api.put(f"/v4/orders/{order['id']}/shipping-address", order_payload()["shippingAddress"])
    assert api.post(f"/v4/orders/{order['id']}:reprocess").json()["fulfillmentStatus"] == "received"
    settle()
    assert api.get(f"/v4/orders/{order['id']}").json()["fulfillmentStatus"] == "created"


def test_running_a_step_twice_changes_nothing(api, settle, files):
    order = create(api, settle)
    before = history(api, order["id"])
    pipeline.check(order["id"])
    pipeline.record_files(order["id"], {})
    pipeline.resume(order["id"])
    assert history(api, order["id"]) == before


def test_account_settings_api(api):
    assert api.get("/v4/account").json()["approvalMode"] == "automatic"
    changed = api.patch("/v4/account", {"approvalMode": "delayed", "approvalDelayHours": 48}).json()
    assert (changed["approvalMode"], changed["approvalDelayHours"]) == ("delayed", 48)
    bad = api.patch("/v4/account", {"approvalDelayHours": 5})
    assert bad.status_code == 400 and bad.json()["details"][0]["field"] == "approvalDelayHours"
    assert api.patch("/v4/account", {"onHold": False}).status_code == 400  # only operators hold accounts


@pytest.mark.django_db(transaction=True)  # jobs commit as in production (a test transaction would roll back a retried job's writes)
def test_a_server_error_is_tried_again_before_it_fails_the_item(api, settle, files):
    items = order_payload()["items"]
    items[0]["files"] = [{"type": "default", "url": files.url("/status/503")}]
    order = create(api, settle, items=items)
    assert order["fulfillmentStatus"] == "uploading"  # the retry waits for its backoff
    assert ItemFile.objects.get(item__order_id=order["id"], item__item_reference_id="poster-1").fetch_attempts == 1
    for _ in range(tasks.FETCH_ATTEMPTS - 1):  # what the retries run when their time comes
        try:
            tasks.fetch_files.call(order["id"])
        except Retry:
            pass
    failed = api.get(f"/v4/orders/{order['id']}").json()
    assert failed["fulfillmentStatus"] == "failed" and "503" in failed["problems"][0]["message"]
    # The good file was fetched once, not again on every retry.
    assert len([h for h in files.hits if "print.png" in h]) == 1


def test_a_step_failing_on_our_side_is_written_into_the_history(api, files, settings):
    order_id = api.post("/v4/orders", order_payload()).json()["id"]
    pipeline.check(order_id)  # the checks pass; the files step is next
    # A real fault on our side: the data folder cannot be written (here: it is a file, not a folder).
    settings.PLATEN = dataclasses.replace(settings.PLATEN, fetch_allow_private=True, data_dir=Path("/dev/null/platen"))
    with pytest.raises(OSError):
        tasks.fetch_files.call(order_id)
    failed = [e for e in api.get(f"/v4/orders/{order_id}/events").json()["events"] if e["type"] == "job_failed"]
    assert failed[0]["parameters"]["step"] == "fetching and checking the print files"
    assert "tried again automatically" in failed[0]["reason"]
    assert api.get(f"/v4/orders/{order_id}").json()["fulfillmentStatus"] == "uploading"


def test_a_step_for_an_order_that_is_gone_does_nothing(api):
    draft_id = api.post("/v4/orders", order_payload(orderType="draft")).json()["id"]
    api.delete(f"/v4/orders/{draft_id}")
    pipeline.check(draft_id)
    pipeline.record_files(draft_id, {})
    pipeline.resume(draft_id)
    pipeline.approve_after_delay(draft_id)
    assert api.get(f"/v4/orders/{draft_id}").status_code == 404
