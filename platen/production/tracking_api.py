"""POST /hooks/tracking/{sourceId}: tracking webhooks from aggregators (EasyPost, AfterShip).

Thin: the service verifies the signature over the raw bytes before anything is stored (401, nothing stored),
stores the body once per event id and queues its application; the answer (200) leaves after the commit.
Not in the merchant API's OpenAPI document: aggregators call it, merchants do not.
"""

import uuid

from ninja import Router

from platen.kit.errors import NotFound
from platen.production.services import tracking

router = Router(tags=["tracking"], auth=None)


@router.post("/tracking/{source_id}", include_in_schema=False)
def tracking_webhook(request, source_id: str):
    try:
        source = uuid.UUID(source_id)
    except ValueError:
        raise NotFound("No tracking source has this id: check the webhook URL.", code="tracking_source_not_found") from None
    received = tracking.receive_webhook(source, request.body, request.headers)
    return {"received": True, "duplicate": received.duplicate}
