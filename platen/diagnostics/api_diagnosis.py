"""Why a store order is not in Platen, and import it now:

GET  /v4/stores/{storeId}/orders/{storeOrderRef}/diagnosis  -> the cause, its evidence and its fixes
POST /v4/stores/{storeId}/orders/{storeOrderRef}:import     -> read the order from the store again and import it

`storeOrderRef` is the platform's order id or the number the merchant sees, URL-encoded (#1001 is %231001).
Another account's store is a 404."""

from uuid import UUID

from ninja import Router

from platen.diagnostics.schemas_diagnosis import DiagnosisOut, ImportedOut
from platen.diagnostics.services import diagnosis
from platen.kit.schemas import errors
from platen.stores.services import setup

router = Router(tags=["stores"])
ORDER = "/stores/{uuid:store_id}/orders/{store_order_ref}"


@router.get(ORDER + "/diagnosis", response={200: DiagnosisOut, **errors(404, 409)},
            summary="Why a store order is not in Platen (or where it is), with the fix")
def diagnose(request, store_id: UUID, store_order_ref: str):
    store = setup.get_store(request.account, store_id)
    return diagnosis.diagnose(store, store_order_ref).as_dict()


@router.post(ORDER + ":import", response={200: ImportedOut, **errors(404, 409)},
             summary="Import a store order now, as the store has it now")
def import_now(request, store_id: UUID, store_order_ref: str):
    store = setup.get_store(request.account, store_id)
    row = diagnosis.import_by_ref(store, store_order_ref)
    return {"storeOrderRef": store_order_ref, "storeOrderId": row.external_id, "bucket": row.bucket,
            "reasonCode": row.reason_code, "reason": row.reason, "orderId": str(row.order_id) if row.order_id else None}
