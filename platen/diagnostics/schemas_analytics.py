"""Wire models of the analytics API (docs/analytics.md). Days are ISO dates in UTC; durations are in seconds."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field


def _iso_day(value):
    # Query values arrive as text; pydantic would read a bare number as a Unix time ("0" -> 1970-01-01).
    if isinstance(value, str) and not re.fullmatch(r"(19[7-9]\d|2\d{3})-\d{2}-\d{2}", value):
        raise ValueError("Give a day as YYYY-MM-DD, from 1970 on.")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]


class AnalyticsQuery(Schema):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: Day | None = Field(None, alias="from", description="First day (UTC), included. Default: 29 days before `to`.")
    to: Day | None = Field(None, description="Last day (UTC), included. Default: today.")
    channel: str | None = Field(None, max_length=20, description="Only orders from this channel (api, shopify, bigcommerce, ...).")
    storeId: UUID | None = Field(None, description="Only orders from this store.")
    format: Literal["json", "csv"] = Field("json", description="csv: the `rows` of the answer as a CSV file.")


class IntervalQuery(AnalyticsQuery):
    interval: Literal["day", "week"] = Field("day", description="day, or week (ISO weeks, starting Monday).")


class VolumePoint(Schema):
    period: date
    orders: int


class VolumeRow(Schema):
    period: date
    channel: str
    storeId: UUID | None
    orders: int


class ChannelCount(Schema):
    channel: str
    orders: int


class StoreCount(Schema):
    storeId: UUID
    name: str
    orders: int


class VolumeOut(Schema):
    interval: str
    from_: date = Field(alias="from")
    to: date
    total: int
    previousTotal: int = Field(description="Orders in the same number of days just before the range.")
    change: float | None = Field(description="(total - previousTotal) / previousTotal; null when there were none before.")
    points: list[VolumePoint]
    byChannel: list[ChannelCount]
    byStore: list[StoreCount]
    rows: list[VolumeRow] = Field(description="Orders per period, channel and store (what the CSV holds).")


class SuccessRow(Schema):
    period: date
    orders: int
    passed: int
    failed: int
    other: int
    successRate: float | None


class SuccessOut(Schema):
    interval: str
    from_: date = Field(alias="from")
    to: date
    orders: int
    passed: int = Field(description="Orders now passed, created, pending approval or further on.")
    failed: int = Field(description="Orders now failed.")
    other: int = Field(description="Orders still in the checks, waiting for you, or canceled: not in the rate.")
    successRate: float | None = Field(description="passed / (passed + failed); null when both are 0.")
    rows: list[SuccessRow]


class ReasonRow(Schema):
    code: str
    message: str
    orders: int
    share: float | None


class ReasonsOut(Schema):
    from_: date = Field(alias="from")
    to: date
    failedOrders: int
    rows: list[ReasonRow]


class StatusTimeRow(Schema):
    status: str
    stays: int
    medianSeconds: int
    p90Seconds: int


class StatusTimesOut(Schema):
    from_: date = Field(alias="from")
    to: date
    rows: list[StatusTimeRow]


class NormalTime(Schema):
    status: str
    p90Seconds: int


class StuckRow(Schema):
    orderId: UUID
    orderReferenceId: str
    accountId: UUID
    channel: str
    status: str
    since: datetime
    secondsInStatus: int
    p90Seconds: int


class StuckOut(Schema):
    from_: date = Field(alias="from")
    to: date
    total: int
    normal: list[NormalTime]
    rows: list[StuckRow] = Field(description="The longest stuck first (at most 200; `total` counts them all).")
