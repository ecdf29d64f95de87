"""Postbacks (endpoint -> event -> delivery -> attempt) and e-mails (routes, outbox).

An Event is what happened, once, with its wire payload and a stable id (the `webhook-id`, the same on
every retry and replay). A Delivery is that event on its way to one endpoint; each try is an Attempt.
"""

import uuid

from django.db import models
from django.db.models import Q

from platen.notifications.statuses import DeliveryStatus, EmailKind, EndpointKind, MessageStatus


class Endpoint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="postback_endpoints")
    kind = models.CharField(max_length=10, choices=[(k, k) for k in EndpointKind], default=EndpointKind.URL)
    url = models.CharField(max_length=2048)  # https://… for URL endpoints, mailto:… for e-mail ones
    secret_encrypted = models.TextField(blank=True)  # Fernet token of the whsec_ secret (signing.encrypt)
    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    # The start of the current run of failed attempts (None after any success): the circuit breaker's clock.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["account", "active"])]

    def __str__(self) -> str:
        return self.url

    @property
    def address(self) -> str:
        """The e-mail address of an e-mail endpoint."""
        return self.url.removeprefix("mailto:")


class Event(models.Model):
    # The integer key orders events (deliveries per order and endpoint go out in this order); `uid` is public.
    id = models.BigAutoField(primary_key=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="postback_events")
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="postback_events")
    source = models.ForeignKey("orders.OrderEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    type = models.CharField(max_length=60)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    @property
    def webhook_id(self) -> str:
        return str(self.uid)  # also the payload's "id", so a receiver can dedupe on either


class Delivery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    order_id = models.UUIDField(null=True, blank=True)  # the event's order, kept here for the in-order rule
    status = models.CharField(max_length=10, choices=[(s, s) for s in DeliveryStatus], default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the next try may start; while a try runs it is pushed ahead as a lease, so a crashed worker's
    # delivery is picked up again by the sweep instead of being lost.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    retry_until = models.DateTimeField()  # retries stop here (created or replayed + the retry window)
    next_trigger = models.CharField(max_length=10, default="first")  # first, retry, replay: noted on the attempt
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="delivery_unique_event_endpoint")]
        indexes = [
            models.Index(fields=["endpoint", "order_id", "status"]),
            models.Index(fields=["status", "next_attempt_at"], condition=Q(status="pending"), name="delivery_pending_due"),
        ]


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    trigger = models.CharField(max_length=10, default="scheduled")  # scheduled, replay, test
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)  # at most 1 KB of the answer
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]

    @property
    def succeeded(self) -> bool:
        return not self.error and self.status_code is not None and 200 <= self.status_code < 300


class EmailRoute(models.Model):
    """Where one kind of e-mail goes for an account. No row: enabled, to the account's e-mail."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="email_routes")
    kind = models.CharField(max_length=30, choices=[(k, k) for k in EmailKind])
    address = models.EmailField(blank=True)  # blank: the account's e-mail
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "kind"], name="email_route_unique_kind")]


class OutboxMessage(models.Model):
    """Every e-mail Platen sends, as sent (works the same with SMTP and the file backend)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox")
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=30, choices=[(k, k) for k in EmailKind])
    to = models.CharField(max_length=254)
    context = models.JSONField(default=dict, blank=True)  # what the templates need, captured when queued
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=[(s, s) for s in MessageStatus], default=MessageStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "-created_at"])]
