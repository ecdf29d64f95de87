import uuid

from django.db import models
from django.db.models import Q

from platen.orders.statuses import Financial, Fulfillment, OrderType


class Address(models.Model):
    first_name = models.CharField(max_length=25)
    last_name = models.CharField(max_length=25)
    company_name = models.CharField(max_length=60, blank=True)
    address_line1 = models.CharField(max_length=35)
    address_line2 = models.CharField(max_length=35, blank=True)
    city = models.CharField(max_length=30)
    post_code = models.CharField(max_length=15)
    state = models.CharField(max_length=35, blank=True)
    country = models.CharField(max_length=2)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=25, blank=True)
    is_business = models.BooleanField(null=True)
    federal_tax_id = models.CharField(max_length=50, blank=True)
    state_tax_id = models.CharField(max_length=50, blank=True)
    registration_state_code = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}, {self.city} {self.country}"


class Order(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="orders")
    intake_request = models.ForeignKey("intake.IntakeRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    order_type = models.CharField(max_length=10, choices=[(t, t) for t in OrderType], default=OrderType.ORDER)
    order_reference_id = models.CharField(max_length=255)
    customer_reference_id = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    channel = models.CharField(max_length=20, default="api")
    store_id = models.UUIDField(null=True, blank=True)
    # Derived from the items by statuses.derive_order_status; written only by orders.transitions.
    fulfillment_status = models.CharField(max_length=30, choices=[(s, s) for s in Fulfillment], db_index=True)
    financial_status = models.CharField(max_length=30, choices=[(s, s) for s in Financial])
    shipping_address = models.OneToOneField(Address, on_delete=models.PROTECT, related_name="shipping_for")
    return_address = models.OneToOneField(Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="return_for")
    metadata = models.JSONField(default=list, blank=True)
    requested_shipment_method = models.CharField(max_length=255, blank=True)
    shipment_method_uid = models.CharField(max_length=100, blank=True)
    shipment_method_name = models.CharField(max_length=100, blank=True)
    min_delivery_days = models.PositiveIntegerField(null=True, blank=True)
    max_delivery_days = models.PositiveIntegerField(null=True, blank=True)
    fulfillment_country = models.CharField(max_length=2, blank=True)
    items_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    shipping_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # What stops the order right now: [{"field", "code", "message"}]; earlier ones stay in the history.
    problems = models.JSONField(default=list, blank=True)
    # What the merchant should look at without it stopping the order (e.g. a phone number the carrier does not need).
    warnings = models.JSONField(default=list, blank=True)
    # The shipment is known once the checks passed with a chosen method (pricing.py); null before.
    shipment_id = models.UUIDField(null=True, blank=True)
    min_delivery_date = models.DateField(null=True, blank=True)
    max_delivery_date = models.DateField(null=True, blank=True)
    total_weight_g = models.PositiveIntegerField(null=True, blank=True)
    total_incl_vat = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # Orders split by routing (no one facility makes every item) share this and their orderReferenceId;
    # each lists the others in connectedOrderIds.
    split_group = models.UUIDField(null=True, blank=True, db_index=True)
    # Exactly one order per real-world order: the Idempotency-Key, and (channel, source, external id).
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    source_key = models.CharField(max_length=100, default="", blank=True)
    external_id = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    ordered_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "idempotency_key"], condition=Q(idempotency_key__isnull=False), name="order_unique_idempotency_key"),
            models.UniqueConstraint(fields=["account", "channel", "source_key", "external_id"], condition=Q(external_id__isnull=False), name="order_unique_external_id"),
        ]
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["account", "order_reference_id"]),
            models.Index(fields=["account", "fulfillment_status"]),
            # analytics' failure reasons: the failed orders of a range with their problems, from the index alone
            models.Index(fields=["created_at"], include=["account", "order_type", "channel", "store_id", "problems"],
                         condition=Q(fulfillment_status="failed"), name="order_failed_created"),
        ]

    def __str__(self) -> str:
        return f"{self.order_reference_id} ({self.id})"

    @property
    def is_draft(self) -> bool:
        return self.order_type == OrderType.DRAFT

    def connected_orders(self) -> models.QuerySet:
        """The other orders split from the same request (same account), oldest first; none for most orders."""
        if self.split_group is None:
            return Order.objects.none()
        return Order.objects.filter(account_id=self.account_id, split_group=self.split_group) \
            .exclude(pk=self.pk).order_by("created_at", "pk")


class OrderItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    item_reference_id = models.CharField(max_length=255)
    product_uid = models.CharField(max_length=255, blank=True)
    store_product_variant_id = models.CharField(max_length=255, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    quantity = models.PositiveIntegerField()
    fulfillment_status = models.CharField(max_length=30, choices=[(s, s) for s in Fulfillment])
    is_ignored = models.BooleanField(default=False)
    metadata = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["order", "item_reference_id"], name="item_unique_reference")]


class ItemFile(models.Model):
    item = models.ForeignKey(OrderItem, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField(default=0)
    type = models.CharField(max_length=40, default="default")
    url = models.URLField(max_length=2048)
    # What was fetched from `url` (the preflight checks read the stored copy by this hash).
    content_sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    detected_type = models.CharField(max_length=10, blank=True)
    fetch_attempts = models.PositiveSmallIntegerField(default=0)
    preflight = models.JSONField(null=True, blank=True)  # the report (preflight/report.py) against the item's product
    # The name of a file uploaded to Platen (its content is in the store by content_sha256 and `url` points at
    # Platen); empty for a file fetched from its URL.
    uploaded_as = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["position"]


class Receipt(models.Model):
    """What the order costs, written when it is priced (transaction type "order"); its totals are the sums of
    its items (presenters.receipt). Prices are the catalog's (net); VAT is the destination's rate."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="receipts")
    transaction_type = models.CharField(max_length=20, default="order")
    currency = models.CharField(max_length=3)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)  # percent
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["order", "transaction_type"], name="receipt_once_per_type")]


class ReceiptItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    type = models.CharField(max_length=20)  # product, shipping
    reference_id = models.CharField(max_length=255)  # the order item's id, or the shipment's
    title = models.CharField(max_length=255)
    price_base = models.DecimalField(max_digits=12, decimal_places=2)  # one piece
    amount = models.PositiveIntegerField()  # pieces
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    vat = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position"]


class Package(models.Model):
    """A parcel handed to a carrier (shipment.packages[] on the wire), written by production when shipped and
    followed by tracking until delivered or returned."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="packages")
    items = models.ManyToManyField(OrderItem, related_name="packages")
    carrier_code = models.CharField(max_length=40)
    carrier_name = models.CharField(max_length=100)
    service_name = models.CharField(max_length=100, blank=True)
    tracking_code = models.CharField(max_length=100)
    tracking_url = models.URLField(max_length=500, blank=True)
    shipped_at = models.DateTimeField()
    # The carrier's latest word when something is wrong (lost, damaged, customs hold, returned and why).
    exception_code = models.CharField(max_length=40, blank=True)
    exception_message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["shipped_at", "id"]


class OrderEvent(models.Model):
    """Append-only history, written in the same transaction as the change it records."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    item = models.ForeignKey(OrderItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    type = models.CharField(max_length=50)
    actor_kind = models.CharField(max_length=20)  # api_key, user, system, channel, carrier
    actor_id = models.CharField(max_length=100, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
