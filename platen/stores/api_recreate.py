"""Recreate a store order as a Platen order (services/recreate.py): POST /v4/stores/{storeId}/orders/{ref}:recreate.

`ref` is the platform's order id or the number the merchant sees, URL-encoded (#1001 is %231001). The optional
body gives a product for items the store connection cannot resolve:
{"lines": {"<store line id>": {"productUid": "...", "files": [{"type": "default", "url": "..."}]}},
 "shipmentMethodUid": "..."}. Answers 200 with the order (the same order when it exists already)."""

from uuid import UUID

from ninja import Router

from platen.kit.actors import Actor
from platen.kit.schemas import errors
from platen.kit.wire import parse_optional
from platen.orders import presenters
from platen.orders.schemas import FileIn, OrderOut, Required, Str, WireIn
from platen.orders.services import queries
from platen.stores.services import recreate

router = Router(tags=["stores"])


class LineChoiceIn(WireIn):
    productUid: Required(255)
    files: list[FileIn] = []


class RecreateIn(WireIn):
    lines: dict[str, LineChoiceIn] = {}
    shipmentMethodUid: Str(255) | None = None


BODY = {"requestBody": {"required": False, "content": {"application/json": {"schema": RecreateIn.model_json_schema()}}}}


@router.post("/stores/{uuid:store_id}/orders/{store_order_ref}:recreate", response={200: OrderOut, **errors(404, 409)},
             openapi_extra=BODY, summary="Create the order from a store order that was not imported")
def recreate_order(request, store_id: UUID, store_order_ref: str):
    body = parse_optional(request.body, RecreateIn)
    choices = recreate.Choices.from_wire(body.model_dump(mode="json"))
    order = recreate.recreate(request.account, store_id, store_order_ref, Actor.api_key(request.api_key), choices)
    return presenters.order(queries.get_order(request.account, order.pk))
