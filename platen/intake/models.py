import uuid

from django.db import models

from platen.intake.statuses import Outcome


class IntakeRequest(models.Model):
    """Every arrival, stored raw before it is interpreted, with what became of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="intake_requests")
    channel = models.CharField(max_length=20)
    store_id = models.UUIDField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    raw_body = models.TextField()
    idempotency_key = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=[(o, o) for o in Outcome], default=Outcome.RECEIVED)
    reasons = models.JSONField(default=list, blank=True)  # [{"field", "message"}] when rejected
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["account", "-received_at"]),
            models.Index(fields=["account", "status"]),
        ]
