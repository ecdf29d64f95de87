import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class ApprovalMode(models.TextChoices):
    AUTOMATIC = "automatic", "Automatic"
    MANUAL = "manual", "Manual approval"
    DELAYED = "delayed", "Automatic after a delay"


class Account(models.Model):
    """A merchant: owns orders, stores, API keys and dashboard users."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    # How a checked order goes to production: at once, after the merchant approves it, or after a delay
    # during which the merchant can approve it earlier or cancel it.
    approval_mode = models.CharField(max_length=10, choices=ApprovalMode.choices, default=ApprovalMode.AUTOMATIC)
    approval_delay_hours = models.PositiveSmallIntegerField(default=24)
    # Set by an operator: the account's checked orders wait in on_hold until released.
    on_hold = models.BooleanField(default=False)
    on_hold_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A dashboard login. Merchants belong to one account; staff (operators) have none and see all accounts."""

    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="users")
    # A print partner's login sees that partner's production pages only (no account, not staff).
    partner = models.ForeignKey("production.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="users")

    @property
    def is_operator(self) -> bool:
        return self.is_staff


class HashedKey(models.Model):
    """An API key of someone (a merchant's account: ApiKey; a print partner: production.PartnerKey). Only the
    SHA-256 of a key is stored; the key itself is shown once, when made."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiKey(HashedKey):
    """A merchant's API key."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.account})"


class SignInThrottle(models.Model):
    """Failed sign-ins (passwords, API keys) counted per user name or per client address, in the database so
    every web process (any number of gunicorn workers, any machine) sees the same count. See throttling.py."""

    scope = models.CharField(max_length=20)  # "user", "address" (passwords) or "key-address" (API keys)
    key = models.CharField(max_length=200)  # the user name (lower case) or the client's IP address
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()  # failures count within a window that starts at the first one
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="accounts_one_throttle_per_key")]
        indexes = [models.Index(fields=["window_start"])]


class BillingEntity(models.Model):
    """Who the account's receipts are made out to: the order API's `billingEntity`, shown once complete (the
    original always sends these fields, and its clients require them); until then the API says null."""

    REQUIRED = ("company_name", "recipient_name", "address_line1", "city", "post_code", "country", "email")

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="billing_entity")
    company_name = models.CharField(max_length=200, blank=True)
    company_number = models.CharField(max_length=50, blank=True)
    company_vat_number = models.CharField(max_length=50, blank=True)
    recipient_name = models.CharField(max_length=200, blank=True)
    address_line1 = models.CharField(max_length=100, blank=True)
    address_line2 = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=60, blank=True)
    post_code = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=60, blank=True)
    country = models.CharField(max_length=2, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=25, blank=True)

    def __str__(self) -> str:
        return self.company_name or self.recipient_name or str(self.account)

    @property
    def is_complete(self) -> bool:
        return all(getattr(self, name) for name in self.REQUIRED)

    def clean(self) -> None:
        missing = {name: "Needed on every receipt." for name in self.REQUIRED if not getattr(self, name)}
        if missing:
            raise ValidationError(missing)


class Invitation(models.Model):
    """A dashboard login offered by e-mail. The link's token is derived from the id with the server's secret
    key (so the e-mail job can rebuild the link); only its SHA-256 is stored, for the lookup."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.account})"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()
