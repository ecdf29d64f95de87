"""The day rollups behind analytics on PostgreSQL (diagnostics.OrderDay and StayDay, migration 0004): a few thousand
rows for a month instead of every order and every stay, so the figures do not grow with the orders.

Triggers on orders_order and diagnostics_statusspan append a -1 row for a changed row's old key and a +1 row for its
new key, in the writer's transaction; appending locks no row another writer waits for. Readers add every row up, so
they are exact whether or not `fold` (the periodic job diagnostics.fold-rollups, every 10 minutes) has turned the
appended rows into one row per key yet; a read never writes. Percentiles of the
stays come in two steps: the bucket counts find the bucket the nearest-rank stay falls in and its rank there; one
index range of the stays of that bucket (span_finished_bucket) gives the exact value.

SQLite keeps no rollup: analytics.py counts the orders and spans themselves there.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import accumulate

from django.db import connection, transaction

ZERO = "'00000000-0000-0000-0000-000000000000'::uuid"
FOLD_LOCK = 0x504C4154  # the advisory lock that lets one fold run at a time
ORDER_KEY = "account_id, day, channel, store_id, status"
STAY_KEY = "account_id, channel, store_id, day, status, bucket"


def usable(f) -> bool:
    """The rollups answer on PostgreSQL; a facility needs the orders' production jobs, so it is counted directly."""
    return connection.vendor == "postgresql" and not f.facility_id


def fold() -> None:
    """Turn the appended rows into one folded row per key. Writers never touch folded rows, and one fold runs at a
    time, so folding waits for nobody."""
    with transaction.atomic(), connection.cursor() as c:
        c.execute("SELECT pg_try_advisory_xact_lock(%s)", [FOLD_LOCK])
        if not c.fetchone()[0]:
            return
        c.execute("SET LOCAL jit = off")  # the planner cannot know how few rows were appended; compiling never pays
        c.execute(f"""
            WITH appended AS (DELETE FROM diagnostics_orderday WHERE NOT folded RETURNING {ORDER_KEY}, orders)
            INSERT INTO diagnostics_orderday ({ORDER_KEY}, orders, folded)
            SELECT {ORDER_KEY}, SUM(orders), true FROM appended GROUP BY {ORDER_KEY}
            ON CONFLICT (account_id, day, channel, COALESCE(store_id, {ZERO}), status) WHERE folded
            DO UPDATE SET orders = diagnostics_orderday.orders + EXCLUDED.orders""")
        c.execute(f"""
            WITH appended AS (DELETE FROM diagnostics_stayday WHERE NOT folded RETURNING {STAY_KEY}, stays)
            INSERT INTO diagnostics_stayday ({STAY_KEY}, stays, folded)
            SELECT {STAY_KEY}, SUM(stays), true FROM appended GROUP BY {STAY_KEY}
            ON CONFLICT (COALESCE(account_id, {ZERO}), channel, COALESCE(store_id, {ZERO}), day, status, bucket) WHERE folded
            DO UPDATE SET stays = diagnostics_stayday.stays + EXCLUDED.stays""")


def rebuild() -> None:
    """Both rollups recomputed from the orders and spans (the migration's backfill; bulk loads without triggers)."""
    with transaction.atomic(), connection.cursor() as c:
        c.execute("LOCK TABLE orders_order, diagnostics_statusspan IN SHARE MODE")
        c.execute("DELETE FROM diagnostics_orderday")
        c.execute(f"""
            INSERT INTO diagnostics_orderday ({ORDER_KEY}, orders, folded)
            SELECT account_id, (created_at AT TIME ZONE 'UTC')::date, channel, store_id, fulfillment_status, COUNT(*), true
            FROM orders_order WHERE order_type = 'order' GROUP BY 1, 2, 3, 4, 5""")
        c.execute("DELETE FROM diagnostics_stayday")
        c.execute(f"""
            INSERT INTO diagnostics_stayday ({STAY_KEY}, stays, folded)
            SELECT {STAY_KEY}, COUNT(*), true
            FROM (SELECT account_id, channel, store_id, (entered_at AT TIME ZONE 'UTC')::date AS day, status,
                         platen_stay_bucket(seconds) AS bucket
                  FROM diagnostics_statusspan WHERE left_at IS NOT NULL) AS stay
            GROUP BY GROUPING SETS ((account_id, channel, store_id, day, status, bucket),
                                    (channel, store_id, day, status, bucket))""")
        c.execute("ANALYZE diagnostics_orderday, diagnostics_stayday")  # the planner knows nothing is left to fold


def order_counts(account, f, by: str) -> list[tuple]:
    """(day, channel, store_id, n) when `by` is "store", (day, status, n) when "status": the orders of the range."""
    keys = "day, channel, store_id" if by == "store" else "day, status"
    where, params = _order_scope(account, f)
    with connection.cursor() as c:
        c.execute(f"SELECT {keys}, SUM(orders) FROM diagnostics_orderday WHERE {where} GROUP BY {keys} "
                  f"HAVING SUM(orders) <> 0", params)
        return c.fetchall()


def order_total(account, f) -> int:
    where, params = _order_scope(account, f)
    with connection.cursor() as c:
        c.execute(f"SELECT COALESCE(SUM(orders), 0) FROM diagnostics_orderday WHERE {where}", params)
        return int(c.fetchone()[0])


def stay_percentiles(account, f, ps: tuple[float, ...] = (0.5, 0.9)) -> dict[str, tuple[int, ...]]:
    """Per status: how many finished stays began in the range, then their nearest-rank percentiles `ps` (seconds)."""
    where, params = _stay_scope(account, f)
    with connection.cursor() as c:
        c.execute(f"SELECT status, bucket, SUM(stays) FROM diagnostics_stayday WHERE {where} AND day >= %s AND day <= %s "
                  f"GROUP BY status, bucket HAVING SUM(stays) <> 0", [*params, f.first_day, f.last_day])
        counts = defaultdict(list)
        for status, lower, n in c.fetchall():
            counts[status].append((lower, int(n)))
    wanted = {}  # (status, bucket, rank inside the bucket) for each percentile
    for status, buckets in counts.items():
        buckets.sort()
        running = list(accumulate(n for _, n in buckets))
        for p in ps:
            rank = math.ceil(p * running[-1])  # PERCENTILE_DISC's row: the same float arithmetic
            i = next(i for i, total in enumerate(running) if total >= rank)
            wanted[status, p] = (buckets[i][0], rank - (running[i - 1] if i else 0))
    values = _values_in_buckets(account, f, wanted)
    return {s: (sum(n for _, n in b), *(values[s, p] for p in ps)) for s, b in counts.items()}


def _values_in_buckets(account, f, wanted: dict) -> dict:
    """The stay at a given rank inside its bucket, for every (status, percentile), in one round trip."""
    if not wanted:
        return {}
    where, scope = _filters(account, f)
    parts, params = [], []
    for n, ((status, _), (lower, rank)) in enumerate(wanted.items()):
        parts.append(f"(SELECT {n}, seconds FROM diagnostics_statusspan WHERE left_at IS NOT NULL AND status = %s "
                     f"AND platen_stay_bucket(seconds) = %s AND entered_at >= %s AND entered_at < %s AND {where} "
                     f"ORDER BY seconds OFFSET %s LIMIT 1)")
        params += [status, lower, f.start, f.end, *scope, rank - 1]
    with connection.cursor() as c:
        c.execute(" UNION ALL ".join(parts), params)
        found = dict(c.fetchall())
    return {key: found[n] for n, key in enumerate(wanted)}


def _order_scope(account, f) -> tuple[str, list]:
    where, params = _filters(account, f)
    return f"day >= %s AND day <= %s AND {where}", [f.first_day, f.last_day, *params]


def _stay_scope(account, f) -> tuple[str, list]:
    """The stay rollup's rows of the scope: an account's, or the every-account rows (account_id empty) operators read."""
    where, params = _filters(account, f)
    return (where, params) if account is not None else (f"account_id IS NULL AND {where}", params)


def _filters(account, f) -> tuple[str, list]:
    """The account (when not every account), channel and store conditions, on a rollup or on the spans."""
    where, params = [], []
    if account is not None:
        where.append("account_id = %s")
        params.append(account.pk)
    if f.channel:
        where.append("channel = %s")
        params.append(f.channel)
    if f.store_id:
        where.append("store_id = %s")
        params.append(f.store_id)
    return " AND ".join(where) or "true", params
