"""POST /hooks/{platform}/{storeId}: webhook deliveries from the stores' platforms (Shopify, BigCommerce).

Thin: the service verifies the signature over the raw bytes before anything is stored (401, nothing stored),
stores the delivery once per platform delivery id with its raw body as an intake request, and queues its
processing; the 200 leaves right after the commit (platforms wait only a few seconds). Not in the merchant
API's OpenAPI document: platforms call it, merchants do not. /hooks/tracking/{sourceId} is matched first.
"""

from ninja import Router

from platen.stores.services import webhooks

router = Router(tags=["store webhooks"], auth=None)


@router.post("/{platform}/{store_id}", include_in_schema=False)
def store_webhook(request, platform: str, store_id: str):
    received = webhooks.receive(platform, store_id, request.body, request.headers)
    return {"received": True, "duplicate": received.duplicate}
