"""The order API (v4). Handlers only translate HTTP to service calls."""

from uuid import UUID

from ninja import File, Router
from ninja.files import UploadedFile

from platen.intake import http as intake_http
from platen.intake.services import MAX_IDEMPOTENCY_KEY
from platen.kit.actors import Actor
from platen.kit.downloads import file_response
from platen.orders import presenters
from platen.orders.schemas import (
    AddressIn, CancelIn, DeletedOut, DraftPatchIn, EventsOut, ItemOut, OrderCreateIn, OrderFixIn, OrderOut, PersonalizationIn,
    SearchIn, SearchOut,
)
from platen.orders.services import approval, changes, fixes, queries
from platen.kit.schemas import errors
from platen.kit.wire import parse_json, parse_optional
from platen.orders.services.create import create_from_intake

router = Router(tags=["orders"])
ERRORS = errors(404, 409)

# The create body is read raw (the intake request keeps it, even when it is not valid), so its schema
# is declared for the OpenAPI document by hand.
CREATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OrderCreateIn"}}},
    },
    "parameters": [{"in": "header", "name": "Idempotency-Key", "required": False,
                    "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY},
                    "description": "Repeat a create safely: the same key returns the same order."}],
}


def _actor(request) -> Actor:
    return Actor.api_key(request.api_key)


@router.post("/orders", response={200: OrderOut, **ERRORS}, openapi_extra=CREATE_BODY,
             summary="Create an order or a draft")
def create_order(request):
    received = intake_http.receive(request, "api")
    # 200 for a new order and for a replay alike: clients of the original API treat any other 2xx as a failure.
    return presenters.order(create_from_intake(received, _actor(request)).order)


@router.post("/orders:search", response={200: SearchOut, **ERRORS}, summary="Search orders")
def search_orders(request, payload: SearchIn):
    return {"orders": [presenters.summary(o) for o in queries.search(request.account, payload)]}


@router.get("/orders/{uuid:order_id}", response={200: OrderOut, **ERRORS}, summary="Get an order")
def get_order(request, order_id: UUID):
    return presenters.order(queries.get_order(request.account, order_id))


@router.get("/orders/{uuid:order_id}/events", response={200: EventsOut, **ERRORS}, summary="The order's history")
def order_events(request, order_id: UUID):
    return {"events": [presenters.event(e) for e in queries.order_events(request.account, order_id)]}


CANCEL_BODY = {"requestBody": {"required": False, "content": {"application/json": {"schema": CancelIn.model_json_schema()}}}}


@router.post("/orders/{uuid:order_id}:cancel", response={200: OrderOut, **ERRORS}, openapi_extra=CANCEL_BODY,
             summary="Cancel an order")
def cancel_order(request, order_id: UUID):
    # The original API's cancel has no body; an optional {"reason"} goes into the history.
    reason = parse_optional(request.body, CancelIn).reason
    changes.cancel(request.account, order_id, _actor(request), reason=reason or "")
    return presenters.order(queries.get_order(request.account, order_id))


@router.post("/orders/{uuid:order_id}:reprocess", response={200: OrderOut, **ERRORS}, summary="Check a failed order again")
def reprocess_order(request, order_id: UUID):
    changes.reprocess(request.account, order_id, _actor(request))
    return presenters.order(queries.get_order(request.account, order_id))


@router.post("/orders/{uuid:order_id}:approve", response={200: OrderOut, **ERRORS}, summary="Approve an order waiting for approval")
def approve_order(request, order_id: UUID):
    approval.approve(request.account, order_id, _actor(request))
    return presenters.order(queries.get_order(request.account, order_id))


@router.post("/orders/{uuid:order_id}:reject", response={200: OrderOut, **ERRORS}, openapi_extra=CANCEL_BODY,
             summary="Reject (cancel) an order waiting for approval")
def reject_order(request, order_id: UUID):
    reason = parse_optional(request.body, CancelIn).reason
    approval.reject(request.account, order_id, _actor(request), reason=reason or "")
    return presenters.order(queries.get_order(request.account, order_id))


@router.get("/orders/{uuid:order_id}/items/{item_reference_id}", response={200: ItemOut, **ERRORS},
            summary="Get one item, with the preflight report of each of its files")
def get_item(request, order_id: UUID, item_reference_id: str):
    return presenters.item(queries.get_item(request.account, order_id, item_reference_id))


@router.put("/orders/{uuid:order_id}/items/{item_reference_id}/files", response={200: OrderOut, **ERRORS},
            summary="Supply the personalization (print files) of an item waiting for it")
def personalize_item(request, order_id: UUID, item_reference_id: str, payload: PersonalizationIn):
    approval.personalize(request.account, order_id, item_reference_id, payload.files, _actor(request))
    return presenters.order(queries.get_order(request.account, order_id))


# PATCH reads its body raw: a draft takes DraftPatchIn, a submitted order only fixes of its failed items.
PATCH_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
    {"$ref": "#/components/schemas/DraftPatchIn"}, {"$ref": "#/components/schemas/OrderFixIn"}]}}}}}
RAW_BODIES = [OrderCreateIn, DraftPatchIn, OrderFixIn]  # published in the OpenAPI components by platen.api


@router.patch("/orders/{uuid:order_id}", response={200: OrderOut, **ERRORS}, openapi_extra=PATCH_BODY,
              summary="Change or submit a draft; fix the failed items of an order",
              description="A draft: the fields given change, `items` replaces its items, `orderType: order` submits "
                          "it. A submitted order: only its failed items change, each named by `itemReferenceId` "
                          "(files, productUid, pageCount, quantity), and a failed order's `shipmentMethodUid`; then "
                          "`:reprocess` checks it again.")
def patch_order(request, order_id: UUID):
    if queries.get_order(request.account, order_id).is_draft:
        changes.patch_draft(request.account, order_id, parse_json(request.body, DraftPatchIn), _actor(request))
    else:
        fixes.fix_items(request.account, order_id, parse_json(request.body, OrderFixIn), _actor(request))
    return presenters.order(queries.get_order(request.account, order_id))


@router.post("/orders/{uuid:order_id}/items/{item_reference_id}/files/{file_type}", response={200: OrderOut, **ERRORS},
             summary="Upload a print file for a failed item, or for an item waiting for personalization",
             description="Multipart, the file in the part named `file`; it replaces the item's file of that type. "
                         "A failed item is checked again with `:reprocess`; a personalized item right away.")
def upload_item_file(request, order_id: UUID, item_reference_id: str, file_type: str, file: UploadedFile = File(...)):
    fixes.upload_file(request.account, order_id, item_reference_id, file_type, fixes.Upload(file.name or "", file.chunks()),
                      _actor(request))
    return presenters.order(queries.get_order(request.account, order_id))


DOWNLOAD = {"responses": {200: {"description": "The uploaded file",
                                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}}


@router.get("/orders/{uuid:order_id}/items/{item_reference_id}/files/{file_type}", response={**ERRORS},
            openapi_extra=DOWNLOAD, summary="Download a print file uploaded for an item")
def download_item_file(request, order_id: UUID, item_reference_id: str, file_type: str):
    path, file = fixes.uploaded_file(request.account, order_id, item_reference_id, file_type)
    return file_response(path, file.uploaded_as, file.detected_type)


@router.delete("/orders/{uuid:order_id}", response={200: DeletedOut, **ERRORS}, summary="Delete a draft")
def delete_draft(request, order_id: UUID):
    # 200 with a body, like every other success here: clients of the original treat any other code as a failure.
    changes.delete_draft(request.account, order_id, _actor(request))
    return {"id": str(order_id)}


@router.put("/orders/{uuid:order_id}/shipping-address", response={200: OrderOut, **ERRORS}, summary="Change the shipping address")
def update_shipping_address(request, order_id: UUID, payload: AddressIn):
    changes.update_shipping_address(request.account, order_id, payload, _actor(request))
    return presenters.order(queries.get_order(request.account, order_id))


# Keeps OrderCreateIn in the OpenAPI components for CREATE_BODY's $ref.
__all__ = ["router", "OrderCreateIn"]
