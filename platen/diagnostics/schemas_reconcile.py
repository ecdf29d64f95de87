"""Wire shapes of reconciliation runs (api_reconcile.py)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from platen.orders.schemas import WireIn


class ReconcileIn(WireIn):
    """Optional: the window to compare (placed at or after windowStart, before windowEnd); by default the last 7 days
    up to a few minutes ago, never before the store was connected."""

    windowStart: datetime | None = None
    windowEnd: datetime | None = None


class ReconciliationCounts(Schema):
    imported: int
    waiting: int
    skipped: int
    missing: int
    healed: int


class HealedOrder(Schema):
    externalId: str
    number: str
    placedAt: str
    orderId: str


class MissingOrder(Schema):
    externalId: str
    number: str
    placedAt: str
    why: str
    bucket: str | None = None
    reasonCode: str | None = None


class ReconciliationOut(Schema):
    id: str
    storeId: str
    trigger: str
    status: str  # queued, running, done, failed
    windowStart: datetime
    windowEnd: datetime
    startedAt: datetime
    finishedAt: datetime | None
    storeOrders: int
    counts: ReconciliationCounts
    reasons: dict[str, int]
    healed: list[HealedOrder]
    missing: list[MissingOrder]
    error: str


class ReconciliationsOut(Schema):
    reconciliations: list[ReconciliationOut]
