"""Reading intake requests, scoped to the caller's account (None = an operator)."""

import uuid

from django.db.models import QuerySet

from platen.intake.models import IntakeRequest
from platen.kit.errors import NotFound


def scoped(account) -> QuerySet[IntakeRequest]:
    requests = IntakeRequest.objects.all()
    return requests if account is None else requests.filter(account=account)


def filtered(account, *, status=None, channel=None, start=None, end=None) -> QuerySet[IntakeRequest]:
    conditions = {"status": status, "channel": channel, "received_at__gte": start, "received_at__lte": end}
    return scoped(account).filter(**{k: v for k, v in conditions.items() if v}).order_by("-received_at")


def get_request(account, request_id) -> IntakeRequest:
    try:
        request_id = uuid.UUID(str(request_id))
    except ValueError:
        request_id = None
    found = scoped(account).filter(pk=request_id).first() if request_id else None
    if found is None:
        raise NotFound(f"No request {request_id} exists for this account.", code="request_not_found")
    return found
