from typing import Annotated

from ninja import Schema
from pydantic import Field

from platen.intake.statuses import Outcome
from platen.kit.pagination import MAX_OFFSET
from platen.kit.wire import IsoDateTime


class RequestFilters(Schema):
    status: Outcome | None = None
    channel: Annotated[str, Field(max_length=20)] | None = None
    startDate: IsoDateTime | None = None
    endDate: IsoDateTime | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0


class ReasonOut(Schema):
    field: str
    message: str


class IntakeRequestOut(Schema):
    id: str
    channel: str
    status: Outcome
    storeId: str | None
    orderId: str | None
    idempotencyKey: str | None
    reasons: list[ReasonOut]
    receivedAt: str
    processedAt: str | None
    body: str | None = Field(None, description="The raw payload as received (single request only).")


class IntakeRequestsOut(Schema):
    requests: list[IntakeRequestOut]
