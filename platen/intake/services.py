"""Intake: store every arrival first, then record its outcome."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from platen.intake.models import IntakeRequest
from platen.intake.statuses import ANSWERED_WHILE_WAITING, TRANSITIONS, Outcome
from platen.kit.errors import Conflict, Detail, InvalidRequest, TooLarge

log = logging.getLogger("platen.intake")

MAX_IDEMPOTENCY_KEY = 255  # the column's width: a longer key would be cut, and two keys could collide
# Far past the longest a web request may run (gunicorn kills a worker after 30 s): still `received` by then,
# its connection or process was cut before the answer.
INTERRUPTED_AFTER = timedelta(minutes=5)


def receive(account, channel: str, raw_body: bytes | str, *, content_type: str = "", idempotency_key: str = "", store_id=None) -> IntakeRequest:
    """Store the raw payload in its own committed transaction, before anything interprets it."""
    body = raw_body.decode("utf-8", errors="replace") if isinstance(raw_body, bytes) else raw_body
    body = body.replace("\x00", "\ufffd")  # PostgreSQL text cannot hold NUL; parsing refuses such bodies anyway
    key_fits = len(idempotency_key) <= MAX_IDEMPOTENCY_KEY
    with transaction.atomic():
        request = IntakeRequest.objects.create(
            account=account, channel=channel, raw_body=body, content_type=content_type[:100],
            idempotency_key=idempotency_key if key_fits else "", store_id=store_id,
        )
    if not key_fits:
        detail = Detail("Idempotency-Key", f"Use a key of at most {MAX_IDEMPOTENCY_KEY} characters; this one has {len(idempotency_key)}.")
        reject(request, [detail])
        raise InvalidRequest("The Idempotency-Key header is too long.", [detail])
    return request


def refuse_oversized(account, channel: str, *, limit: int, content_type: str = "", idempotency_key: str = "") -> TooLarge:
    """A body over the size limit is refused (413) but still recorded, without the body, so it is not invisible.
    Returns the error for the caller to raise."""
    request = receive(account, channel, "", content_type=content_type, idempotency_key=idempotency_key)
    error = TooLarge(limit)
    reject(request, error.details)
    log.info("intake refused: body too large", extra={"intake_request_id": request.id, "channel": channel})
    return error


def complete(request: IntakeRequest, outcome: Outcome, *, order=None, reasons: list[Detail] | None = None) -> None:
    """The one transition of an intake request; runs inside the caller's transaction when there is one.

    The update is conditional on the status read, so two concurrent outcomes (the answer and the sweep) cannot
    both win: the second finds the row moved on and fails, rolling its own transaction back.
    """
    outcome = Outcome(outcome)
    current = Outcome(request.status)
    if outcome not in TRANSITIONS[current]:
        raise Conflict(f"Intake request {request.id} is already {request.status}.")
    values = {"status": outcome, "order": order, "reasons": [r.as_dict() for r in reasons or []], "processed_at": timezone.now()}
    if not IntakeRequest.objects.filter(pk=request.pk, status=current).update(**values):
        request.refresh_from_db()
        raise Conflict(f"Intake request {request.id} is already {request.status}.")
    for name, value in values.items():
        setattr(request, name, value)


def reject(request: IntakeRequest, reasons: list[Detail]) -> None:
    with transaction.atomic():
        complete(request, Outcome.REJECTED, reasons=reasons)


def mark_interrupted(now=None) -> int:
    """Requests whose caller was cut off before the answer end as `interrupted`; they never become orders
    later, behind the client's back (the client was not told one exists; it sends the request again)."""
    cutoff = (now or timezone.now()) - INTERRUPTED_AFTER
    stale = IntakeRequest.objects.filter(status=Outcome.RECEIVED, channel__in=ANSWERED_WHILE_WAITING, received_at__lt=cutoff)
    marked = 0
    for request in stale.iterator():
        try:
            with transaction.atomic():
                complete(request, Outcome.INTERRUPTED)
        except Conflict:
            continue  # answered after all, in the meantime
        marked += 1
        log.info("intake request interrupted", extra={"intake_request_id": request.id, "channel": request.channel})
    return marked
