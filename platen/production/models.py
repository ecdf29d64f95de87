"""The production network (partners, facilities, their stock and capacity), the jobs routed to them, and the
carriers and tracking sources that follow a shipment to the door.

An order routed to a facility has one ProductionJob; an order whose items no single facility can make is
split first (orders.Order.split_group), so every job is one whole order. The order's status stays the one
truth of where it is (orders.transitions); a job holds only what production adds: where, when it is due,
what was packed, whether the address changed after routing.
"""

import uuid

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from platen.accounts.models import HashedKey

COUNTRY = RegexValidator(r"^[A-Z]{2}$", "Use a two-letter country code in capitals, such as DE or US.")


class Partner(models.Model):
    """A print partner: a company with one or more facilities, its own API keys and dashboard logins
    (accounts.User.partner)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    email = models.EmailField(blank=True, help_text="Where production notices go (optional).")
    active = models.BooleanField(default=True, help_text="Inactive partners get no new jobs.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerKey(HashedKey):
    """A partner's API key (sent as X-API-KEY like a merchant's)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.partner})"


class Facility(models.Model):
    """A place that prints, packs and ships. Routing (routing.py) reads every field here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="facilities")
    code = models.CharField(max_length=40, unique=True, help_text="A short stable name, e.g. de-berlin-1.")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, validators=[COUNTRY])
    city = models.CharField(max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Europe/Berlin.")
    cutoff = models.TimeField(help_text="Orders routed after this local time are due the next day.")
    daily_capacity = models.PositiveIntegerField(help_text="Orders a day this facility can take.")
    # What it makes: catalog product uids or product kinds (catalog.ProductKind), e.g. ["poster", "canvas"].
    makes = models.JSONField(default=list, blank=True)
    # Where it ships: country codes; ["*"] ships everywhere.
    ships_to = models.JSONField(default=list, blank=True)
    cost_index = models.DecimalField(max_digits=5, decimal_places=2, default=1,
                                     validators=[MinValueValidator(0)], help_text="Relative cost; 1 is the network's usual.")
    production_days = models.PositiveSmallIntegerField(default=1, help_text="Working days from routing to handing over to the carrier.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["partner__name", "code"]
        verbose_name_plural = "facilities"

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Material(models.Model):
    """What a facility has in stock to make products of one kind (and, for garments, one size): canvas,
    200 gsm paper, t-shirt blanks in M. Routing takes one unit per piece; an operator or the partner adds stock."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="materials")
    code = models.CharField(max_length=60, help_text="e.g. canvas, paper-200gsm, tshirt-blank-M (see routing.material_for).")
    name = models.CharField(max_length=120, blank=True)
    quantity = models.IntegerField(default=0)

    class Meta:
        ordering = ["facility", "code"]
        constraints = [models.UniqueConstraint(fields=["facility", "code"], name="material_once_per_facility")]

    def __str__(self) -> str:
        return f"{self.code} × {self.quantity} at {self.facility.code}"


class DailyLoad(models.Model):
    """How many jobs a facility has taken for one production day (its local date): capacity left is
    daily_capacity minus this. One row per facility and day, updated in the routing transaction."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="loads")
    day = models.DateField()
    jobs = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facility", "day"], name="load_once_per_day")]


class RoutingRequest(models.Model):
    """An order waiting to be routed: written in the transaction that makes it `created` (ProductionConfig's
    history subscriber), taken and deleted by the routing batch that decides it. Routing reads this small
    queue, not every `created` order (routed orders stay `created` until their partner starts them)."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, primary_key=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)


class ProductionJob(models.Model):
    """One routed order at one facility: what the partner sees in its queue and pulls with /v4/partner/jobs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="production_job")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="jobs")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="jobs")  # = facility.partner, for scoping
    due_date = models.DateField(help_text="The production day, in the facility's time zone.")
    routed_at = models.DateTimeField(auto_now_add=True)
    # The decision as the history shows it: {"winner": {...}, "runnersUp": [{...}], "rule": "..."}.
    decision = models.JSONField(default=dict, blank=True)
    carrier_service = models.ForeignKey("CarrierService", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address_changed_at = models.DateTimeField(null=True, blank=True, help_text="The shipping address changed after routing.")
    packed_items = models.JSONField(default=list, blank=True)  # order item ids verified at the packing table
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "routed_at"]
        indexes = [models.Index(fields=["partner", "due_date"]), models.Index(fields=["facility", "due_date"])]


class Carrier(models.Model):
    code = models.SlugField(max_length=40, unique=True, help_text="e.g. dhl, ups, usps, fedex, royal-mail.")
    name = models.CharField(max_length=100)
    tracking_url_template = models.CharField(max_length=300, help_text="With {code} where the tracking code goes.")
    # Carriers without webhooks are polled through production/carriers/<client>.py (empty: not polled).
    poll_client = models.CharField(max_length=40, blank=True)
    api_base_url = models.URLField(blank=True, help_text="Where the poll client asks (its tests use a local emulator).")
    # The poll client's API token, encrypted (platen.kit.encryption, purpose "platen.tracking"); empty: none sent.
    api_token_encrypted = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def tracking_url(self, code: str) -> str:
        return self.tracking_url_template.replace("{code}", code)


class CarrierService(models.Model):
    """What a shipment method (catalog.ShipmentMethod uid) becomes at a facility country for a destination."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=100, help_text="e.g. Paket, Ground, Express Worldwide.")
    shipment_method_uid = models.CharField(max_length=100)
    from_countries = models.JSONField(default=list, help_text='Facility countries, or ["*"].')
    to_countries = models.JSONField(default=list, help_text='Destinations, or ["*"].')
    min_days = models.PositiveSmallIntegerField()
    max_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["carrier__name", "name"]

    def __str__(self) -> str:
        return f"{self.carrier.name} {self.name}"


class TrackingSource(models.Model):
    """Where tracking webhooks come from (an aggregator account); each has its own signing secret, encrypted."""

    class Kind(models.TextChoices):
        EASYPOST = "easypost", "EasyPost"
        AFTERSHIP = "aftership", "AfterShip"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=100)
    secret_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Tracker(models.Model):
    """A package followed by a carrier or aggregator. Keyed on the source's tracker id, not on the tracking code
    (the same code can appear under two trackers)."""

    package = models.ForeignKey("orders.Package", on_delete=models.CASCADE, related_name="trackers")
    source = models.ForeignKey(TrackingSource, null=True, blank=True, on_delete=models.CASCADE, related_name="trackers")
    external_id = models.CharField(max_length=100, blank=True)
    # The latest carrier time applied to the package's status: a late event never moves it backwards.
    last_event_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # What the source said last (carriers/mapping.py): its Platen meaning, its own words, the delivery it expects.
    status = models.CharField(max_length=30, blank=True)
    carrier_status = models.CharField(max_length=60, blank=True)
    expected_delivery = models.DateField(null=True, blank=True)
    # Polling: failed polls in a row (the back-off grows with them) and the last failure, for operators.
    poll_failures = models.PositiveSmallIntegerField(default=0)
    poll_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], condition=~Q(external_id=""),
                                               name="tracker_once_per_source")]


class TrackingInbox(models.Model):
    """Every tracking webhook, stored raw (after its signature is verified) before it is read."""

    source = models.ForeignKey(TrackingSource, on_delete=models.CASCADE, related_name="inbox")
    external_id = models.CharField(max_length=100)  # the aggregator's event id
    body = models.BinaryField()
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="tracking_inbox_once")]


class TrackingEvent(models.Model):
    """One carrier checkpoint, deduplicated per tracker by its time and status."""

    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    carrier_status = models.CharField(max_length=60)  # as the carrier or aggregator says it
    status = models.CharField(max_length=30, blank=True)  # what it means for Platen (tracking.py), or empty
    message = models.CharField(max_length=500, blank=True)
    location = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=40, blank=True)  # carriers/mapping.py REASONS: refused, wrong_address, lost...
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [models.UniqueConstraint(fields=["tracker", "occurred_at", "carrier_status"], name="tracking_event_once")]
