"""The webhooks (postbacks) API. Handlers only translate HTTP to service calls."""

from uuid import UUID

from ninja import Query, Router, Status

from platen.kit.schemas import errors
from platen.notifications import presenters, services
from platen.notifications.schemas import DeliveriesOut, DeliveryFilters, DeliveryOut, WebhookIn, WebhookOut, WebhooksOut

router = Router(tags=["webhooks"])
ERRORS = errors(404, 409)


@router.post("/webhooks", response={201: WebhookOut, **ERRORS}, summary="Add a postback endpoint (the secret is shown only here)")
def create_webhook(request, payload: WebhookIn):
    created = services.create_endpoint(request.account, payload.url, payload.events, payload.secret)
    return Status(201, presenters.endpoint(created.endpoint, created.secret))


@router.get("/webhooks", response={200: WebhooksOut, **ERRORS}, summary="List postback endpoints")
def list_webhooks(request):
    return {"webhooks": [presenters.endpoint(e) for e in services.endpoints(request.account)]}


@router.delete("/webhooks/{uuid:webhook_id}", response={204: None, **ERRORS}, summary="Delete a postback endpoint")
def delete_webhook(request, webhook_id: UUID):
    services.delete_endpoint(request.account, webhook_id)
    return Status(204, None)


@router.post("/webhooks/{uuid:webhook_id}:enable", response={200: WebhookOut, **ERRORS}, summary="Enable a disabled endpoint again")
def enable_webhook(request, webhook_id: UUID):
    return presenters.endpoint(services.enable_endpoint(request.account, webhook_id))


@router.post("/webhooks/{uuid:webhook_id}:test", response={200: DeliveryOut, **ERRORS}, summary="Send a test event now")
def test_webhook(request, webhook_id: UUID):
    return presenters.delivery(services.send_test(request.account, webhook_id))


@router.get("/webhooks/{uuid:webhook_id}/deliveries", response={200: DeliveriesOut, **ERRORS},
            summary="Deliveries to an endpoint, newest first, with every attempt")
def list_deliveries(request, webhook_id: UUID, filters: Query[DeliveryFilters]):
    rows = services.deliveries(request.account, webhook_id, status=filters.status)
    return {"deliveries": [presenters.delivery(d) for d in rows[filters.offset : filters.offset + filters.limit]]}


@router.post("/webhooks/{uuid:webhook_id}/deliveries/{uuid:delivery_id}:replay", response={202: DeliveryOut, **ERRORS},
             summary="Send a delivery again (same event id)")
def replay_delivery(request, webhook_id: UUID, delivery_id: UUID):
    return Status(202, presenters.delivery(services.replay(request.account, webhook_id, delivery_id)))
