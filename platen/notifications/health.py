"""How a postback endpoint is doing: its last attempt (when, result), its last error and since when it fails.

Read in the endpoints query itself (correlated subqueries on the attempt log), so a list of endpoints costs
one query whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from platen.notifications.models import Attempt, Endpoint

# An attempt failed when it has an error, or an answer outside 2xx (an e-mail attempt has no status code).
FAILED = ~Q(error="") | Q(status_code__lt=200) | Q(status_code__gte=300)


@dataclass(frozen=True)
class Health:
    last_attempt_at: datetime | None
    last_attempt_ok: bool | None  # None: never tried
    last_attempt_result: str
    last_error: str
    last_error_at: datetime | None
    failing_since: datetime | None

    @property
    def failing(self) -> bool:
        """The red badge: deliveries fail now (the current run of attempts has no success yet)."""
        return self.failing_since is not None or self.last_attempt_ok is False


def annotate(endpoints: QuerySet[Endpoint]) -> QuerySet[Endpoint]:
    attempts = Attempt.objects.filter(delivery__endpoint_id=OuterRef("pk")).order_by("-started_at", "-id")
    failed = attempts.filter(FAILED)
    return endpoints.annotate(
        h_at=Subquery(attempts.values("started_at")[:1]),
        h_code=Subquery(attempts.values("status_code")[:1]),
        h_error=Subquery(attempts.values("error")[:1]),
        h_failed_at=Subquery(failed.values("started_at")[:1]),
        h_failed_code=Subquery(failed.values("status_code")[:1]),
        h_failed_error=Subquery(failed.values("error")[:1]),
    )


def of(endpoint: Endpoint) -> Health:
    """The health of an endpoint read through annotate()."""
    ok = None if endpoint.h_at is None else not _failed(endpoint.h_code, endpoint.h_error)
    return Health(
        last_attempt_at=endpoint.h_at, last_attempt_ok=ok,
        last_attempt_result=_result(endpoint.h_code, endpoint.h_error) if endpoint.h_at else "",
        last_error=_result(endpoint.h_failed_code, endpoint.h_failed_error) if endpoint.h_failed_at else "",
        last_error_at=endpoint.h_failed_at, failing_since=endpoint.failing_since,
    )


def of_endpoint(endpoint: Endpoint) -> Health:
    return of(annotate(Endpoint.objects.filter(pk=endpoint.pk)).get())


def listed(endpoints: QuerySet[Endpoint]) -> list[Endpoint]:
    """The endpoints, each with `.health`, in one query."""
    rows = list(annotate(endpoints))
    for e in rows:
        e.health = of(e)
    return rows


def _failed(code: int | None, error: str | None) -> bool:
    return bool(error) or (code is not None and not 200 <= code < 300)


def _result(code: int | None, error: str | None) -> str:
    if error:
        return error
    if code is None:
        return "sent"  # an e-mail endpoint: no status code
    return f"HTTP {code}"
