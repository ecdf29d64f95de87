"""Wire models of the diagnosis API ("Why isn't my order here?") and of import now."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from platen.diagnostics.causes import Action, Cause


class CauseOut(Schema):
    code: Cause = Field(description="What keeps the order out of Platen (or `imported`), checked in a fixed order.")
    message: str = Field(description="One sentence for the merchant, with the evidence (times in UTC, ids).")
    evidence: dict = Field(description="The facts behind the sentence: times as ISO 8601, ids, statuses, items.")


class FixOut(Schema):
    action: Action
    label: str
    href: str = Field(description="A dashboard page to open, or an API endpoint (/v4/...) to POST to.")


class DiagnosisOut(Schema):
    storeOrderRef: str
    bucket: Literal["imported", "waiting", "skipped", "missing"]
    cause: CauseOut
    fixes: list[FixOut]


class ImportedOut(Schema):
    storeOrderRef: str
    storeOrderId: str
    bucket: Literal["imported", "waiting", "skipped"]
    reasonCode: str
    reason: str
    orderId: str | None
