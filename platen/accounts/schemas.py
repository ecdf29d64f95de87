from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from platen.accounts.models import ApprovalMode


class AccountOut(Schema):
    id: str
    name: str
    email: str
    approvalMode: ApprovalMode
    approvalDelayHours: int
    onHold: bool
    onHoldReason: str


class AccountPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    approvalMode: ApprovalMode | None = None
    approvalDelayHours: Annotated[int, Field(ge=6, le=72, strict=True)] | None = None
