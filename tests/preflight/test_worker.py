"""A real `platen worker` process checks hostile files: each fails its item with a reason, the worker stays up,
its memory stays small, and it goes on to pass a good order."""

from __future__ import annotations

import pytest

from platen.orders.models import Order
from tests.jobs.conftest import platen, wait_for  # noqa: F401  (the real-process fixture)
from tests.orders.factories import POSTER, order_payload
from tests.preflight import samples
from tests.preflight.test_hostile import peak_rss_mb

pytestmark = pytest.mark.processes


def poster_order(urls: list[str]) -> dict:
    return order_payload(items=[{"itemReferenceId": f"poster-{n}", "productUid": POSTER, "quantity": 1,
                                 "files": [{"type": "default", "url": url}]} for n, url in enumerate(urls)])


def settled(order_id: str) -> str | None:
    status = Order.objects.get(pk=order_id).fulfillment_status
    return status if status in ("failed", "created") else None


def test_hostile_files_fail_their_items_and_the_worker_carries_on(platen, api, files, tmp_path):  # noqa: F811
    hostile = [samples.deflate_bomb_pdf(tmp_path), samples.forged_png_header(tmp_path),
               samples.png_decompression_bomb(tmp_path), samples.truncated_pdf(tmp_path, samples.good_poster(tmp_path)),
               samples.cyclic_page_tree_pdf(tmp_path), samples.deep_nesting_pdf(tmp_path)]
    urls = [files.publish(f"hostile-{n}-{p.name}", p.read_bytes()) for n, p in enumerate(hostile)]
    bad = api.post("/v4/orders", poster_order(urls)).json()["id"]

    platen.env["PLATEN_FETCH_ALLOW_PRIVATE"] = "1"  # the file server is on loopback
    worker = platen.start("worker")
    assert wait_for(lambda: settled(bad), "the hostile order to be checked", timeout=90) == "failed"
    problems = Order.objects.get(pk=bad).problems
    unreadable = sorted(p["field"] for p in problems if p["code"] == "file_readable")
    assert unreadable == [f"items[{n}].files[0]" for n in range(len(urls))]  # each with its reason

    assert worker.poll() is None, "the worker died"
    assert peak_rss_mb(worker.pid) < 300  # inflating and decoding happened in the children

    good = api.post("/v4/orders", poster_order([files.url("/files/print.pdf")])).json()["id"]
    assert wait_for(lambda: settled(good), "the good order to be checked", timeout=60) == "created"
