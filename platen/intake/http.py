"""Reading an intake request off HTTP: the body, its headers, and a body over the size limit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from platen.intake import services
from platen.intake.models import IntakeRequest


def receive(request, channel: str) -> IntakeRequest:
    content_type = request.content_type or ""
    key = request.headers.get("Idempotency-Key", "")
    try:
        body = request.body
    except RequestDataTooBig:
        raise services.refuse_oversized(request.account, channel, limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
                                        content_type=content_type, idempotency_key=key) from None
    return services.receive(request.account, channel, body, content_type=content_type, idempotency_key=key)
