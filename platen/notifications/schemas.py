"""Wire models of the webhooks (postbacks) API."""

from typing import Annotated

from ninja import Schema
from pydantic import Field

from platen.kit.pagination import MAX_OFFSET
from platen.notifications.statuses import DeliveryStatus


class WebhookIn(Schema):
    url: str = Field(description="https://… to receive signed JSON POSTs, or mailto:address to receive the events by e-mail.")
    events: list[str] = Field(description="Event names, e.g. order_status_updated.")
    secret: str | None = Field(None, description="whsec_<base64>; made for you when left out.")


class WebhookOut(Schema):
    id: str
    url: str
    kind: str
    events: list[str]
    active: bool
    disabledAt: str | None
    disabledReason: str | None
    createdAt: str
    secret: str | None = Field(None, description="Only in the answer to the create call: keep it, it is not shown again.")


class WebhooksOut(Schema):
    webhooks: list[WebhookOut]


class AttemptOut(Schema):
    number: int
    trigger: str
    startedAt: str
    durationMs: int
    statusCode: int | None
    response: str
    error: str


class DeliveryOut(Schema):
    id: str
    eventId: str = Field(description="The webhook-id header and the payload's id: the same on every retry and replay.")
    event: str
    orderId: str | None
    status: DeliveryStatus
    attemptCount: int
    nextAttemptAt: str | None
    lastError: str
    createdAt: str
    finishedAt: str | None
    payload: dict
    attempts: list[AttemptOut]


class DeliveriesOut(Schema):
    deliveries: list[DeliveryOut]


class DeliveryFilters(Schema):
    status: DeliveryStatus | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0
