"""Stores, what Platen saw of them (orders, products, webhooks) and how their items map to the catalog."""

import uuid

from django.db import models

from platen.stores.statuses import Bucket, Connection, Platform, PushState, SeenVia, StoreStatus

DEFAULT_PULL_MINUTES = 60


class Store(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="stores")
    platform = models.CharField(max_length=20, choices=[(p, p) for p in Platform])
    name = models.CharField(max_length=120, blank=True)
    domain = models.CharField(max_length=255)  # Shopify: <shop>.myshopify.com; BigCommerce: the store hash
    api_base_url = models.URLField(max_length=500, blank=True)  # blank: the platform's real API
    # Sealed with kit.encryption (purpose "stores.credentials"); read through services.connections.credentials.
    access_token_sealed = models.TextField()
    webhook_secret_sealed = models.TextField(blank=True)
    # Written only by services.connections.change_status (with a StoreStatusChange row).
    status = models.CharField(max_length=20, choices=[(s, s) for s in StoreStatus], default=StoreStatus.ACTIVE)
    status_reason = models.CharField(max_length=500, blank=True)
    status_changed_at = models.DateTimeField()
    connected_at = models.DateTimeField()  # first activation: orders placed before it are never imported
    import_not_connected = models.BooleanField(default=False)
    pull_interval_minutes = models.PositiveIntegerField(default=DEFAULT_PULL_MINUTES)
    # The pull's cursor: the newest store `updated_at` fully read; the next pull starts an overlap before it.
    pull_cursor = models.DateTimeField(null=True, blank=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    next_pull_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_pull_error = models.CharField(max_length=500, blank=True)
    pulling_until = models.DateTimeField(null=True, blank=True)  # a pull runs (renewed as it goes): one at a time
    last_webhook_at = models.DateTimeField(null=True, blank=True)
    products_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "created_at"]
        constraints = [models.UniqueConstraint(fields=["account", "platform", "domain"], name="store_unique_domain")]

    def __str__(self) -> str:
        return self.name or self.domain


class StoreStatusChange(models.Model):
    """The connection history: every status a store had and since when (diagnosis reads it)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=20, choices=[(s, s) for s in StoreStatus])
    reason = models.CharField(max_length=500, blank=True)
    actor_label = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]


class StoreWebhook(models.Model):
    """The webhook inbox: one row per platform delivery (its id deduplicates retries), the raw body in intake."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="webhooks")
    delivery_id = models.CharField(max_length=255)
    topic = models.CharField(max_length=100)
    # The platform's id of the order the delivery is about ("" for topics without one): diagnosis finds an order's
    # deliveries by it (stores.webhook_orders reads it on receipt; processing keeps the connector's reading).
    order_external_id = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=dict, blank=True)  # the delivery's headers (lower-case), for parsing it later
    intake_request = models.ForeignKey("intake.IntakeRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)  # what processing did, in a sentence

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["store", "delivery_id"], name="store_webhook_once")]
        indexes = [models.Index(fields=["store", "order_external_id"], name="store_webhook_order")]


class StoreOrder(models.Model):
    """Every store order Platen saw, and where it ended: imported (with its order), waiting or skipped (with why)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="orders")
    external_id = models.CharField(max_length=100)  # the platform's order id (Shopify's numeric legacy id)
    number = models.CharField(max_length=100, blank=True, db_index=True)  # what the merchant sees: "#1001", "250"
    placed_at = models.DateTimeField()
    store_updated_at = models.DateTimeField(null=True, blank=True)
    store_status = models.CharField(max_length=200, blank=True)  # the platform's words: "Paid · Unfulfilled"
    bucket = models.CharField(max_length=20, choices=[(b, b) for b in Bucket])
    reason_code = models.CharField(max_length=50, blank=True)  # stores.reasons.Reason
    reason = models.TextField(blank=True)  # one sentence a merchant reads
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    snapshot = models.JSONField(default=dict)  # the normalised store order (connectors.base.StoreOrder.as_dict())
    seen_via = models.CharField(max_length=20, choices=[(s, s) for s in SeenVia])
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [models.UniqueConstraint(fields=["store", "external_id"], name="store_order_once")]
        indexes = [models.Index(fields=["store", "bucket"])]


class StoreProduct(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="products")
    external_id = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    deleted_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField()

    class Meta:
        ordering = ["title", "id"]
        constraints = [models.UniqueConstraint(fields=["store", "external_id"], name="store_product_once")]


class StoreVariant(models.Model):
    """A sellable variant of a store product and how Platen fulfils it (services.products owns the changes)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="variants")
    product = models.ForeignKey(StoreProduct, on_delete=models.CASCADE, related_name="variants")
    external_id = models.CharField(max_length=100)
    sku = models.CharField(max_length=255, blank=True, db_index=True)
    title = models.CharField(max_length=255, blank=True)
    options = models.JSONField(default=dict, blank=True)  # {"Size": "M", "Colour": "Red"}
    connection = models.CharField(max_length=20, choices=[(c, c) for c in Connection], default=Connection.NOT_CONNECTED)
    product_uid = models.CharField(max_length=255, blank=True)  # the catalog product when connected
    files = models.JSONField(default=list, blank=True)  # [{"type": "default", "url": ...}] placed on the product
    options_changed_at = models.DateTimeField(null=True, blank=True)  # the store changed its options (diagnosis)
    deleted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [models.UniqueConstraint(fields=["store", "external_id"], name="store_variant_once")]


class SkuMapping(models.Model):
    """A store SKU fulfilled as a catalog product, for items Platen knows only by SKU."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="sku_mappings")
    sku = models.CharField(max_length=255)
    product_uid = models.CharField(max_length=255)
    files = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sku"]
        constraints = [models.UniqueConstraint(fields=["store", "sku"], name="sku_mapping_once")]


class ShippingMethodMapping(models.Model):
    """A store's shipping method (its title or code, compared case-insensitively) as a Platen shipment method."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="shipping_mappings")
    store_method = models.CharField(max_length=255)
    shipment_method_uid = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["store_method"]
        constraints = [models.UniqueConstraint(fields=["store", "store_method"], name="shipping_mapping_once")]


class Fulfillment(models.Model):
    """Tracking pushed back to the store for one Platen order (and package): one row per push, retried by a job."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="fulfillments")
    store_order = models.ForeignKey(StoreOrder, on_delete=models.CASCADE, related_name="fulfillments")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, default="shipped")  # shipped, tracking_updated, delivered, returned
    tracking_code = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=20, choices=[(s, s) for s in PushState], default=PushState.PENDING)
    external_id = models.CharField(max_length=255, blank=True)  # the platform's fulfillment / shipment id
    pushed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["order", "kind", "tracking_code"], name="store_fulfillment_once")]


