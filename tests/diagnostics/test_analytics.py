"""Analytics (platen/diagnostics/services/analytics.py) against figures computed by hand on a fixed data set.

Account A has six orders in the range 2 to 15 November 2026 (and one each just before and just after), a draft,
and a history with fixed times; account B has two orders in the range that A must never see. The expected values
are worked out in the comments next to them.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta, timezone as tz

import pytest
from django.db import connection, transaction

from platen.diagnostics.models import OrderDay, StatusSpan, StayDay
from platen.diagnostics import tasks
from platen.diagnostics.services import analytics, analytics_rollup, analytics_spans
from platen.diagnostics.services.analytics_csv import COLUMNS, cell
from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.models import Address, Order, OrderEvent
from platen.orders.statuses import Financial, Fulfillment as S, OrderType
from tests.orders import factories

FROM, TO = date(2026, 11, 2), date(2026, 11, 15)
NOW = datetime(2026, 11, 16, 12, 0, tzinfo=tz.utc)
STORE = uuid.UUID("5e1f0000-0000-4000-8000-000000000001")
FILE = {"code": "file_not_found", "message": "The print file could not be downloaded: check that its link works."}
ADDRESS = {"code": "address_invalid", "message": "The postcode does not match the city."}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=tz.utc)


def stored_order(account, created: datetime, status: S, *, channel: str = "api", store_id=None, problems=(),
                 history: list[tuple[str, int]] = (), draft: bool = False) -> Order:
    """An order written as it is after `history`: (status moved to, seconds after the previous move) from `created`
    on, each move an order_status_changed event at its fixed time; the rollup rebuilt from that history."""
    a = factories.BERLIN
    order = Order(account=account, order_reference_id=f"REF-{uuid.uuid4().hex[:6]}", customer_reference_id="c",
                  currency="EUR", channel=channel, store_id=store_id, fulfillment_status=status,
                  financial_status=Financial.PENDING, order_type=OrderType.DRAFT if draft else OrderType.ORDER,
                  problems=list(problems), ordered_at=created,
                  shipping_address=Address.objects.create(first_name=a["firstName"], last_name=a["lastName"],
                                                          address_line1=a["addressLine1"], city=a["city"],
                                                          post_code=a["postCode"], country=a["country"]))
    order.save()
    Order.objects.filter(pk=order.pk).update(created_at=created)
    actor = Actor.system("tests")
    moves, t, previous = [], created, S.DRAFT if draft else S.RECEIVED
    rows = [(events.event(order, events.DRAFT_CREATED if draft else events.ORDER_CREATED, actor), created)]
    for target, seconds in history:
        t = t + timedelta(seconds=seconds)
        rows.append((events.event(order, events.ORDER_STATUS_CHANGED, actor, params={"from": previous, "to": target}), t))
        previous = target
    for e, when in rows:
        e.save()
        OrderEvent.objects.filter(pk=e.pk).update(created_at=when)
    analytics_spans.rebuild([order.pk])
    return Order.objects.get(pk=order.pk)


@pytest.fixture
def data(account, other_account):
    o = {
        1: stored_order(account, at(2, 10), S.DELIVERED, history=[(S.PASSED, 600), (S.CREATED, 7200), (S.IN_PRODUCTION, 86400),
                                                                (S.PRINTED, 3600), (S.SHIPPED, 1800), (S.DELIVERED, 172800)]),
        2: stored_order(account, at(2, 15), S.FAILED, problems=[FILE], history=[(S.FAILED, 300)]),
        3: stored_order(account, at(3, 9), S.CREATED, channel="shopify", store_id=STORE, history=[(S.PASSED, 1200), (S.CREATED, 3600)]),
        4: stored_order(account, at(9, 12), S.FAILED, channel="shopify", store_id=STORE, problems=[FILE, ADDRESS, FILE],
                        history=[(S.FAILED, 900)]),
        5: stored_order(account, at(10, 8), S.RECEIVED),
        6: stored_order(account, at(15, 23, 30), S.CANCELED, channel="bigcommerce", history=[(S.CANCELED, 60)]),
        "after": stored_order(account, at(16, 0, 30), S.PASSED),
        "before": stored_order(account, datetime(2026, 11, 1, 23, 59, tzinfo=tz.utc), S.FAILED, problems=[ADDRESS]),
        "draft": stored_order(account, at(4, 10), S.DRAFT, draft=True),
        # Account B: a long "received" stay (would change A's p90), a failure and a stuck order A must never see.
        "b1": stored_order(other_account, at(3, 8), S.FAILED, problems=[{"code": "b_only", "message": "B"}],
                           history=[(S.FAILED, 100000)]),
        "b2": stored_order(other_account, at(3, 9), S.RECEIVED),
    }
    return o


def f(**kw):
    return analytics.filters(FROM, TO, **kw)


def test_volume_per_day_week_channel_and_store(data, account):
    v = analytics.volume(account, f(), "day")
    assert v["total"] == 6  # orders 1-6; not the one before, after, the draft or B's
    assert v["previousTotal"] == 1 and v["change"] == 5.0  # 26 Oct-1 Nov: the order at 23:59 on 1 Nov
    points = {p["period"]: p["orders"] for p in v["points"]}
    assert len(points) == 14 and sum(points.values()) == 6
    assert [points[date(2026, 11, d)] for d in (2, 3, 9, 10, 15, 4)] == [2, 1, 1, 1, 1, 0]
    assert v["byChannel"] == [{"channel": "api", "orders": 3}, {"channel": "shopify", "orders": 2}, {"channel": "bigcommerce", "orders": 1}]
    assert v["byStore"] == [{"storeId": STORE, "name": "", "orders": 2}]
    weeks = analytics.volume(account, f(), "week")
    assert weeks["points"] == [{"period": date(2026, 11, 2), "orders": 3}, {"period": date(2026, 11, 9), "orders": 3}]
    assert analytics.volume(account, f(channel="shopify"), "day")["total"] == 2
    assert analytics.volume(account, f(store_id=STORE), "week")["points"][1]["orders"] == 1


def test_success_rate(data, account):
    s = analytics.success(account, f(), "day")
    # passed: 1 (delivered), 3 (created); failed: 2, 4; other: 5 (received), 6 (canceled)
    assert (s["orders"], s["passed"], s["failed"], s["other"], s["successRate"]) == (6, 2, 2, 2, 0.5)
    rows = {r["period"]: r for r in s["rows"]}
    assert rows[date(2026, 11, 2)]["successRate"] == 0.5
    assert rows[date(2026, 11, 3)]["successRate"] == 1.0
    assert rows[date(2026, 11, 9)]["successRate"] == 0.0
    assert rows[date(2026, 11, 10)]["successRate"] is None and rows[date(2026, 11, 10)]["other"] == 1


def test_failure_reasons(data, account):
    r = analytics.failure_reasons(account, f())
    assert r["failedOrders"] == 2
    # each code once per order: file_not_found on 2 and 4, address_invalid on 4 (the one before the range is out)
    assert r["rows"] == [
        {"code": "file_not_found", "message": FILE["message"], "orders": 2, "share": 1.0},
        {"code": "address_invalid", "message": ADDRESS["message"], "orders": 1, "share": 0.5},
    ]


def test_time_in_each_status(data, account):
    rows = {r["status"]: r for r in analytics.status_times(account, f())["rows"]}
    # received stays: 600, 300, 1200, 900, 60 -> median (3rd of 5) 600, p90 (5th of 5) 1200
    assert rows["received"] == {"status": "received", "stays": 5, "medianSeconds": 600, "p90Seconds": 1200}
    # passed: 7200, 3600 -> median (1st of 2) 3600, p90 (2nd of 2) 7200
    assert rows["passed"] == {"status": "passed", "stays": 2, "medianSeconds": 3600, "p90Seconds": 7200}
    assert rows["created"]["medianSeconds"] == 86400 and rows["shipped"]["p90Seconds"] == 172800
    assert "failed" not in rows and "delivered" not in rows  # still in them: no finished stay
    assert list(rows)[:3] == ["received", "passed", "created"]  # in the order of the flow


def test_time_in_each_status_by_channel_and_store(data, account):
    for by in (f(channel="shopify"), f(store_id=STORE)):
        rows = {r["status"]: r for r in analytics.status_times(account, by)["rows"]}
        # orders 3 and 4 only: received 1200 and 900 -> median 900, p90 1200; passed 3600 (order 3)
        assert rows == {"received": {"status": "received", "stays": 2, "medianSeconds": 900, "p90Seconds": 1200},
                        "passed": {"status": "passed", "stays": 1, "medianSeconds": 3600, "p90Seconds": 3600}}
    rows = {r["status"]: r for r in analytics.status_times(None, f(channel="api"))["rows"]}
    # every account's api orders: received 600 (1), 300 (2), 100000 (b1) -> median 600, p90 100000
    assert rows["received"] == {"status": "received", "stays": 3, "medianSeconds": 600, "p90Seconds": 100000}
    stuck = analytics.stuck(None, f(channel="api"), now=NOW)
    assert stuck["normal"] == [{"status": "received", "p90Seconds": 100000}]
    assert {r["channel"] for r in stuck["rows"]} <= {"api"}


def test_stuck_orders(data, account):
    s = analytics.stuck(account, f(), now=NOW)
    assert s["normal"] == [{"status": "received", "p90Seconds": 1200}]  # the only status with >= 3 finished stays
    assert s["total"] == 1
    (row,) = s["rows"]
    assert row["orderId"] == data[5].pk and row["status"] == "received"
    assert row["secondsInStatus"] == int((NOW - at(10, 8)).total_seconds()) and row["p90Seconds"] == 1200


def test_operators_see_every_account(data):
    assert analytics.volume(None, f(), "day")["total"] == 8
    rows = {r["status"]: r for r in analytics.status_times(None, f())["rows"]}
    # received: 60, 300, 600, 900, 1200, 100000 -> median (3rd of 6) 600, p90 (6th of 6) 100000
    assert (rows["received"]["medianSeconds"], rows["received"]["p90Seconds"]) == (600, 100000)
    assert analytics.failure_reasons(None, f())["failedOrders"] == 3


def test_another_account_is_never_counted(data, other_account):
    assert analytics.volume(other_account, f(), "day")["total"] == 2
    assert [r["code"] for r in analytics.failure_reasons(other_account, f())["rows"]] == ["b_only"]
    assert {r["orderId"] for r in analytics.stuck(other_account, f(), now=NOW)["rows"]} <= {data["b1"].pk, data["b2"].pk}
    assert data[5].pk not in {r["orderId"] for r in analytics.stuck(other_account, f(), now=NOW)["rows"]}


KINDS = {"volume": "interval=week&", "success": "interval=day&", "failure-reasons": "", "status-times": "", "stuck": ""}


@pytest.mark.parametrize("kind", list(KINDS))
def test_api_json_and_csv_agree(data, api, other_api, kind):
    query = f"?{KINDS[kind]}from={FROM}&to={TO}"
    answer = api.get(f"/v4/analytics/{kind}{query}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["from"] == str(FROM) and body["to"] == str(TO)
    download = api.get(f"/v4/analytics/{kind}{query}&format=csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert lines[0] == COLUMNS[kind]
    assert lines[1:] == [[_wire_cell(row.get(c)) for c in COLUMNS[kind]] for row in body["rows"]]
    # B's key never sees A's figures
    theirs = other_api.get(f"/v4/analytics/{kind}{query}").json()
    assert all(r.get("orderId") not in {str(data[n].pk) for n in range(1, 7)} for r in theirs["rows"])


def test_api_numbers_and_filters(data, api):
    v = api.get(f"/v4/analytics/volume?interval=day&from={FROM}&to={TO}&channel=shopify&storeId={STORE}").json()
    assert v["total"] == 2 and v["byStore"][0]["storeId"] == str(STORE)
    s = api.get(f"/v4/analytics/success?from={FROM}&to={TO}").json()
    assert s["successRate"] == 0.5
    assert api.get("/v4/analytics/volume?interval=month").status_code == 400


def _wire_cell(value) -> str:
    """A JSON value as the CSV writes it (times ISO with Z as in the JSON, none empty)."""
    return cell(value)


def test_the_rollup_follows_live_status_changes(api, settle, account):
    """Real orders through the API and the pipeline: the spans written live equal the ones rebuilt from history."""
    response = api.post("/v4/orders", factories.order_payload())
    assert response.status_code == 200, response.content
    settle()
    order = Order.objects.get(pk=response.json()["id"])
    factories.advance(order.pk, S.CREATED, S.IN_PRODUCTION) if order.fulfillment_status == S.PASSED else None
    live = list(StatusSpan.objects.filter(order=order).values_list("status", "entered_at", "left_at"))
    changes = list(OrderEvent.objects.filter(order=order, type=events.ORDER_STATUS_CHANGED).values_list("params", flat=True))
    assert [s for s, _, _ in live] == [changes[0]["from"], *[c["to"] for c in changes]]
    assert [left is None for _, _, left in live] == [False] * (len(live) - 1) + [True]
    with transaction.atomic():
        analytics_spans.rebuild([order.pk])
    assert list(StatusSpan.objects.filter(order=order).values_list("status", "entered_at", "left_at")) == live


def test_charts_are_accessible_svg_with_round_ticks():
    from platen.diagnostics import charts

    svg = charts.columns([("02 Nov", 2), ("03 Nov", 7)], title="Orders per day", desc="9 orders <in> total")
    assert svg.startswith('<svg class="chart chart-columns"') and 'role="img"' in svg
    assert "<title id=" in svg and "9 orders &lt;in&gt; total" in svg  # the words a screen reader says, escaped
    assert svg.count('class="chart-bar"') == 2 and ">10</text>" in svg  # 7 rounds the axis up to 10
    line = charts.line([("a", 50.0), ("b", None), ("c", 100.0)], top=100, title="Rate", desc="d")
    assert "polyline" not in line and line.count("<circle") == 2  # a gap: no line through the missing day
    bars = charts.bars([("x" * 80, 3)], title="Reasons", desc="d")
    assert "x" * 47 + "…" in bars and "x" * 80 in bars  # clipped label, the full text in the bar's title


def test_operators_per_facility(data):
    from platen.production.models import ProductionJob
    from tests.production import factories as production

    berlin = production.facility(owner=production.partner("Printwerk"), name="Printwerk Berlin")
    for n in (1, 3):  # both passed; order 1 delivered, order 3 created
        ProductionJob.objects.create(order=data[n], facility=berlin, partner=berlin.partner, due_date=FROM)
    assert analytics.by_facility(f()) == [{"facilityId": berlin.pk, "name": "Printwerk Berlin", "orders": 2, "passed": 2,
                                          "failed": 0, "other": 0, "successRate": 1.0}]
    assert analytics.volume(None, f(facility_id=berlin.pk), "week")["total"] == 2
    times = {r["status"]: r for r in analytics.status_times(None, f(facility_id=berlin.pk))["rows"]}
    assert times["received"]["stays"] == 2 and times["received"]["p90Seconds"] == 1200  # orders 1 (600 s) and 3 (1200 s)


def _direct(monkeypatch, call):
    """The same figure counted from the orders and spans themselves (the SQLite path)."""
    with monkeypatch.context() as m:
        m.setattr(analytics_rollup, "usable", lambda f: False)
        return call()


FIGURES = {
    "volume": lambda scope: analytics.volume(scope, f(), "day"),
    "volume by week": lambda scope: analytics.volume(scope, f(), "week"),
    "success": lambda scope: analytics.success(scope, f(), "week"),
    "status times": lambda scope: analytics.status_times(scope, f()),
    "status times by channel": lambda scope: analytics.status_times(scope, f(channel="shopify")),
    "status times by store": lambda scope: analytics.status_times(scope, f(store_id=STORE)),
    "stuck by channel": lambda scope: analytics.stuck(scope, f(channel="api"), now=NOW),
}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the day rollups are PostgreSQL's")
def test_the_day_rollups_follow_every_change(data, account, monkeypatch):
    """Orders deleted, moved, turned from a draft, stays rebuilt: the rollups (triggers) still give the counted figures."""
    assert OrderDay.objects.exists() and StayDay.objects.filter(account_id__isnull=True).exists()
    Order.objects.filter(pk=data[5].pk).delete()  # -1 received on 10 Nov
    Order.objects.filter(pk=data[2].pk).update(fulfillment_status=S.PASSED, problems=[])  # failed -> passed
    Order.objects.filter(pk=data["draft"].pk).update(order_type=OrderType.ORDER)  # a draft becomes an order on 4 Nov
    analytics_spans.rebuild([data[1].pk, data[3].pk])
    s = analytics.success(account, f(), "day")
    assert (s["orders"], s["passed"], s["failed"], s["other"]) == (6, 3, 1, 2)  # 1, 2, 3 passed; 4 failed; 6, draft
    assert analytics.volume(account, f(), "day")["total"] == 6
    for name, figure in FIGURES.items():
        for scope in (account, None):
            assert figure(scope) == _direct(monkeypatch, lambda: figure(scope)), name
    tasks.fold_rollups.func()  # the periodic job folds what the triggers appended
    assert not OrderDay.objects.filter(folded=False).exists() and not StayDay.objects.filter(folded=False).exists()
    assert all(figure(scope) == _direct(monkeypatch, lambda: figure(scope)) for figure in FIGURES.values()
               for scope in (account, None))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bucket function is PostgreSQL's")
def test_a_stays_bucket_keeps_the_four_leading_bits_of_its_seconds(db):
    def bucket(seconds: int) -> int:
        shift = max(0, seconds.bit_length() - 4)
        return seconds >> shift << shift

    values = [0, 1, 15, 16, 17, 31, 32, 33, 100, 1023, 1024, 1025, 86399, 86400, 2**31 - 1]
    with connection.cursor() as c:
        c.execute("SELECT s, platen_stay_bucket(s) FROM unnest(%s::int[]) AS s", [values])
        assert dict(c.fetchall()) == {v: bucket(v) for v in values}
    assert [bucket(v) for v in (16, 17, 31, 1025, 86400)] == [16, 16, 30, 1024, 81920]
