import uuid

from django.db import models


class FloorSample(models.Model):
    """The benchmark floor's one table: a raw body and nothing else."""

    raw_body = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)


class ReconciliationRun(models.Model):
    """One comparison of a store's orders for a window with what Platen holds (services/reconciliation.py).

    Every store order of the window ends in one bucket: imported, waiting, skipped or missing; a missing one that
    qualifies is imported at once (healed). Counts and reasons are kept here; the per-order detail of what was
    missing and healed is in `missing` and `healed` (small lists: a healthy store has none)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="reconciliations")
    trigger = models.CharField(max_length=20, default="schedule")  # schedule, dashboard, api
    status = models.CharField(max_length=20, default="running")  # running, done, failed
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    store_orders = models.PositiveIntegerField(default=0)  # how many the store listed for the window
    counts = models.JSONField(default=dict, blank=True)  # {"imported", "waiting", "skipped", "missing", "healed"}
    reasons = models.JSONField(default=dict, blank=True)  # reason code -> how many (waiting and skipped)
    missing = models.JSONField(default=list, blank=True)  # [{"externalId", "number", "placedAt", "why"}] not healed
    healed = models.JSONField(default=list, blank=True)  # [{"externalId", "number", "orderId"}]
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["store", "-started_at"])]


class Alert(models.Model):
    """A condition Platen told the merchant about (e-mail and postback), once while it lasts (services/alerts.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="alerts")
    store = models.ForeignKey("stores.Store", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=40)  # store_sync_alert, order_stuck, failure_rate
    key = models.CharField(max_length=200)  # what makes two alerts the same condition (kind-specific)
    message = models.TextField()  # what happened and what to do, in a sentence or two
    details = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Dismissed in the dashboard: hidden there, but still open (so not told again while the condition lasts).
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [models.UniqueConstraint(fields=["account", "kind", "key"], condition=models.Q(resolved_at__isnull=True),
                                               name="alert_open_once")]


class StatusSpan(models.Model):
    """One stretch of time an order spent in one status: the analytics rollup (services/analytics_spans.py).

    Written when the order's status changes (an orders.events subscriber, in the same transaction), so "time in each
    status" and "stuck orders" read one small indexed table instead of walking every order's history: at a million
    orders the history holds several million events, and pairing each change with the next one per order is a
    window query that does not stay under 200 ms. `left_at`/`seconds` are empty while the order is still in it.
    channel and store_id are copied from the order so the filters need no join."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="status_spans")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)
    store_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=30)
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        indexes = [
            models.Index(fields=["account", "entered_at"], name="span_account_entered"),
            models.Index(fields=["entered_at"], name="span_entered"),
            # the open stays (stuck orders), read from the index alone
            models.Index(fields=["status", "entered_at"], include=["id", "account", "channel", "store_id"],
                         condition=models.Q(left_at__isnull=True), name="span_open_by_status"),
        ]


class OrderDay(models.Model):
    """How many orders (drafts never) were created on a UTC day per account, channel, store and status now: the
    volume and success rollup, PostgreSQL only (services/analytics_rollup.py). A trigger on orders_order appends a
    -1 row for the order's old key and a +1 row for its new one (appending takes no lock other writers wait for);
    readers add the rows up and fold the appended ones into one `folded` row per key now and then."""

    account_id = models.UUIDField()
    day = models.DateField()
    channel = models.CharField(max_length=20)
    store_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=30)
    orders = models.IntegerField()
    folded = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["account_id", "day"], name="orderday_account_day"),
            models.Index(fields=["day"], name="orderday_day"),
            models.Index(fields=["id"], condition=models.Q(folded=False), name="orderday_appended"),
        ]


class StayDay(models.Model):
    """How many finished stays in a status began on a UTC day, per account, channel, store and stay-length bucket
    (the lower bound of its eighth of an octave of seconds: SQL function platen_stay_bucket, migration 0004): the
    status-times rollup, PostgreSQL only. `account_id` is empty on the every-account rows operators read. Written
    like OrderDay, by a trigger on diagnostics_statusspan (migration 0006 added the channel and the store)."""

    account_id = models.UUIDField(null=True, blank=True)
    channel = models.CharField(max_length=20, default="")
    store_id = models.UUIDField(null=True, blank=True)
    day = models.DateField()
    status = models.CharField(max_length=30)
    bucket = models.IntegerField()
    stays = models.IntegerField()
    folded = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["account_id", "day"], name="stayday_account_day"),
            models.Index(fields=["day"], condition=models.Q(account_id__isnull=True), name="stayday_every_account_day"),
            models.Index(fields=["id"], condition=models.Q(folded=False), name="stayday_appended"),
        ]
