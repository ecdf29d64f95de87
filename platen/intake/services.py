"""Intake: store every arrival first, then record its outcome."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from platen.intake.models import IntakeRequest
from platen.intake.statuses import TRANSITIONS, Outcome
from platen.kit.errors import Conflict, Detail


def receive(account, channel: str, raw_body: bytes | str, *, content_type: str = "", idempotency_key: str = "", store_id=None) -> IntakeRequest:
    """Store the raw payload in its own committed transaction, before anything interprets it."""
    body = raw_body.decode("utf-8", errors="replace") if isinstance(raw_body, bytes) else raw_body
    body = body.replace("\x00", "\ufffd")  # PostgreSQL text cannot hold NUL; parsing refuses such bodies anyway
    with transaction.atomic():
        return IntakeRequest.objects.create(
            account=account, channel=channel, raw_body=body, content_type=content_type[:100],
            idempotency_key=idempotency_key[:255], store_id=store_id,
        )


def complete(request: IntakeRequest, outcome: Outcome, *, order=None, reasons: list[Detail] | None = None) -> None:
    """The one transition of an intake request; runs inside the caller's transaction when there is one."""
    outcome = Outcome(outcome)
    if outcome not in TRANSITIONS[Outcome(request.status)]:
        raise Conflict(f"Intake request {request.id} is already {request.status}.")
    request.status = outcome
    request.order = order
    request.reasons = [r.as_dict() for r in reasons or []]
    request.processed_at = timezone.now()
    request.save(update_fields=["status", "order", "reasons", "processed_at"])


def reject(request: IntakeRequest, reasons: list[Detail]) -> None:
    with transaction.atomic():
        complete(request, Outcome.REJECTED, reasons=reasons)
