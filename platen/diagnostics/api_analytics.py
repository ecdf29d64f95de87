"""The analytics API (docs/analytics.md): merchant keys, scoped to the key's account. `?format=csv` answers the
same `rows` as a CSV file."""

from __future__ import annotations

from ninja import Query, Router

from platen.diagnostics.schemas_analytics import (
    AnalyticsQuery, IntervalQuery, ReasonsOut, StatusTimesOut, StuckOut, SuccessOut, VolumeOut,
)
from platen.diagnostics.services import analytics
from platen.diagnostics.services.analytics_csv import csv_response
from platen.kit.schemas import errors

router = Router(tags=["analytics"])
ERRORS = errors()


def _filters(q: AnalyticsQuery) -> analytics.Filters:
    return analytics.filters(q.from_, q.to, channel=q.channel or "", store_id=q.storeId)


# `?format=csv` answers the same rows as text/csv: say so in the OpenAPI document.
CSV = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}}


def _answer(kind: str, q: AnalyticsQuery, answer: dict):
    return csv_response(kind, answer) if q.format == "csv" else answer


@router.get("/analytics/volume", response={200: VolumeOut, **ERRORS}, by_alias=True, openapi_extra=CSV,
            summary="Orders per day or week, per channel and per store, with the trend")
def volume(request, q: Query[IntervalQuery]):
    return _answer("volume", q, analytics.volume(request.account, _filters(q), q.interval))


@router.get("/analytics/success", response={200: SuccessOut, **ERRORS}, by_alias=True, openapi_extra=CSV,
            summary="Success rate: orders that passed the checks vs orders that failed")
def success(request, q: Query[IntervalQuery]):
    return _answer("success", q, analytics.success(request.account, _filters(q), q.interval))


@router.get("/analytics/failure-reasons", response={200: ReasonsOut, **ERRORS}, by_alias=True, openapi_extra=CSV,
            summary="The most common reasons orders failed")
def failure_reasons(request, q: Query[AnalyticsQuery]):
    return _answer("failure-reasons", q, analytics.failure_reasons(request.account, _filters(q)))


@router.get("/analytics/status-times", response={200: StatusTimesOut, **ERRORS}, by_alias=True, openapi_extra=CSV,
            summary="Time orders spend in each status (median and p90)")
def status_times(request, q: Query[AnalyticsQuery]):
    return _answer("status-times", q, analytics.status_times(request.account, _filters(q)))


@router.get("/analytics/stuck", response={200: StuckOut, **ERRORS}, by_alias=True, openapi_extra=CSV,
            summary="Orders in a status for longer than normal (its p90 over the range)")
def stuck(request, q: Query[AnalyticsQuery]):
    return _answer("stuck", q, analytics.stuck(request.account, _filters(q)))
