"""Reconciliation over the API (services/reconciliation.py).

- `POST /v4/stores/{id}:reconcile` queues a run and answers 202 with it (status "queued"): a week of a large store
  takes longer than a request should. Poll `GET .../reconciliations/{runId}` until status is done or failed. While a
  run of the store is queued or running, the same run is answered instead of a second one. Optional body:
  {"windowStart", "windowEnd"}.
- `GET /v4/stores/{id}/reconciliations`: the store's runs, newest first (the last 50).
- `GET /v4/stores/{id}/reconciliations/{runId}`: one run.
"""

from datetime import UTC, datetime
from uuid import UUID

from ninja import Router, Status

from platen.diagnostics.models import ReconciliationRun
from platen.diagnostics.schemas_reconcile import ReconcileIn, ReconciliationOut, ReconciliationsOut
from platen.diagnostics.services import reconciliation
from platen.kit.errors import Detail, InvalidRequest
from platen.kit.schemas import errors
from platen.kit.wire import parse_optional
from platen.stores.services import setup

router = Router(tags=["stores"])
STORE = "/stores/{uuid:store_id}"
LISTED = 50
BODY = {"requestBody": {"required": False, "content": {"application/json": {"schema": ReconcileIn.model_json_schema()}}}}


def present(run: ReconciliationRun) -> dict:
    counts = {"imported": 0, "waiting": 0, "skipped": 0, "missing": 0, "healed": 0, **(run.counts or {})}
    return {"id": str(run.pk), "storeId": str(run.store_id), "trigger": run.trigger, "status": run.status,
            "windowStart": run.window_start, "windowEnd": run.window_end, "startedAt": run.started_at,
            "finishedAt": run.finished_at, "storeOrders": run.store_orders, "counts": counts, "reasons": run.reasons or {},
            "healed": run.healed or [], "missing": run.missing or [], "error": run.error}


@router.post(STORE + ":reconcile", response={202: ReconciliationOut, **errors(404)}, openapi_extra=BODY,
             summary="Compare the store's orders with Platen's and import the missing ones (queued)")
def reconcile_store(request, store_id: UUID):
    body = parse_optional(request.body, ReconcileIn)
    store = setup.get_store(request.account, store_id)
    window = None
    if body.windowStart or body.windowEnd:
        default_start, default_end = reconciliation.default_window(store)
        window = (_aware(body.windowStart) or default_start, _aware(body.windowEnd) or default_end)
        if window[0] >= window[1]:
            raise InvalidRequest("The window starts after it ends.", [Detail("windowStart", "Give a start before the end.")])
    return Status(202, present(reconciliation.start(store, reconciliation.Trigger.API, window)))


def _aware(moment: datetime | None) -> datetime | None:
    """A time without an offset is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


@router.get(STORE + "/reconciliations", response={200: ReconciliationsOut, **errors(404)},
            summary="The store's reconciliation runs, newest first")
def list_reconciliations(request, store_id: UUID):
    return {"reconciliations": [present(r) for r in reconciliation.runs(request.account, store_id)[:LISTED]]}


@router.get(STORE + "/reconciliations/{uuid:run_id}", response={200: ReconciliationOut, **errors(404)},
            summary="One reconciliation run: counts per bucket, reasons, healed and missing orders")
def get_reconciliation(request, store_id: UUID, run_id: UUID):
    return present(reconciliation.get_run(request.account, store_id, run_id))
