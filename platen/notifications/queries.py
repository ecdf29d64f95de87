"""Reading the outbox and deliveries for the dashboard, scoped to an account (None = an operator, all)."""

from __future__ import annotations

import uuid

from django.db.models import Count, Q, QuerySet

from platen.kit.errors import NotFound
from platen.notifications.models import Endpoint, OutboxMessage
from platen.notifications.statuses import DeliveryStatus


def outbox(account) -> QuerySet[OutboxMessage]:
    rows = OutboxMessage.objects.select_related("account", "order").defer("body_html", "body_text")
    return rows if account is None else rows.filter(account=account)


def get_message(account, message_id) -> OutboxMessage:
    try:
        pk = uuid.UUID(str(message_id))
    except ValueError:
        pk = None
    found = outbox(account).defer(None).filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound(f"No e-mail {message_id} exists for this account.", code="message_not_found")
    return found


def endpoints_with_counts(account) -> QuerySet[Endpoint]:
    """Endpoints with how many deliveries are pending and how many ended badly, for the overview."""
    rows = Endpoint.objects.select_related("account").annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        undelivered=Count("deliveries", filter=Q(deliveries__status__in=[DeliveryStatus.FAILED, DeliveryStatus.DEAD])),
        delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SUCCEEDED)),
    ).order_by("account__name", "created_at")
    return rows if account is None else rows.filter(account=account)
