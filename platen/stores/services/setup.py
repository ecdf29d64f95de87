"""Connecting a store and looking after its connection: connect, settings, token rotation, disconnect, reconnect,
"Sync now". Shared by the API and the dashboard; every change runs in one transaction here.

Decisions:
- A Shopify store is named by its <shop>.myshopify.com domain, also when an API base URL points elsewhere
  (self-hosted, emulator): Shopify's webhooks and tokens belong to that name. A bare shop name gets the suffix.
- The API base URL is only a scheme and host (and port): the connector adds the platform's own paths. It is
  checked with the outbound destination policy (loopback only where fetching from private addresses is allowed).
- The token is checked with one cheap platform call when connecting and reconnecting: a refused token stops it
  there; a platform that cannot be reached now does not (the first pull tells).
- Creating the store writes its first status (active) and the first row of its connection history; every later
  status change goes through connections.change_status.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from platen.kit.actors import Actor
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound
from platen.kit.safehttp import FetchFailed, check_destination
from platen.stores import tasks
from platen.stores.connectors import registry
from platen.stores.connectors.base import AuthFailed, ConnectorError, Credentials
from platen.stores.models import DEFAULT_PULL_MINUTES, Store, StoreStatusChange
from platen.stores.services import connections, pulls
from platen.stores.statuses import Bucket, Platform, StoreStatus

log = logging.getLogger("platen.stores")

MIN_PULL_MINUTES, MAX_PULL_MINUTES = 5, 1440
_SHOP = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_HASH = re.compile(r"[a-z0-9]{1,64}")


@dataclass
class StoreSetup:
    platform: str
    domain: str
    access_token: str
    webhook_secret: str
    api_base_url: str = ""
    import_not_connected: bool = False
    name: str = ""
    pull_interval_minutes: int | None = None


# --- Reading ------------------------------------------------------------------------------------------------


def stores(account):
    """The stores of `account` (None: every account's), with the account for operator pages."""
    rows = Store.objects.select_related("account").order_by("name", "domain", "created_at")
    return rows if account is None else rows.filter(account=account)


def get_store(account, store_id) -> Store:
    """The account's store (None: an operator, any store); another account's is not found (404, not 403)."""
    try:
        return stores(account).get(pk=uuid.UUID(str(store_id)))
    except (Store.DoesNotExist, ValueError):
        raise NotFound(f"No store {store_id} exists for this account.", code="store_not_found") from None


def history(account, store_id):
    """The connection history, newest first."""
    return get_store(account, store_id).status_changes.order_by("-at", "-id")


def store_orders(account, store_id, *, bucket: str | None = None, reason: str | None = None, needing_attention_first=False):
    """The store orders Platen saw, newest first; waiting and skipped ones first when asked (the store page)."""
    rows = get_store(account, store_id).orders.all()
    if bucket:
        rows = rows.filter(bucket=bucket)
    if reason:
        rows = rows.filter(reason_code=reason)
    if needing_attention_first:
        attention = Case(When(bucket=Bucket.IMPORTED, then=Value(1)), default=Value(0))
        return rows.order_by(attention, "-placed_at")
    return rows.order_by("-placed_at", "id")


def webhook_url(store: Store) -> str:
    """Where the platform sends this store's webhooks (registered with the platform, shown to the merchant)."""
    return settings.PLATEN.base_url + f"/hooks/{store.platform}/{store.pk}"


def label(platform: str) -> str:
    """The platform's name as people know it ("BigCommerce"), from its connector."""
    try:
        return registry.connector_class(platform).label
    except (LookupError, ImportError):
        return platform.title()


# --- Checking what the merchant gave ----------------------------------------------------------------------


def clean_domain(platform: str, domain: str) -> str:
    text = (domain or "").strip().lower()
    if platform == Platform.SHOPIFY:
        text = re.sub(r"^https?://", "", text).split("/")[0]
        if "." not in text:
            text += ".myshopify.com"  # "acme" is what people often type for acme.myshopify.com
        shop = text.removesuffix(".myshopify.com")
        if not text.endswith(".myshopify.com") or not _SHOP.fullmatch(shop):
            raise InvalidRequest("The shop domain is not valid.", [Detail(
                "domain", "Use the shop's myshopify.com domain, such as acme.myshopify.com (Shopify admin: "
                          "Settings, Domains), not its own web address.")])
        return text
    if not _HASH.fullmatch(text):
        raise InvalidRequest("The store hash is not valid.", [Detail(
            "domain", "Use the store hash: the letters and digits after /stores/ in your API path, such as abc123xyz.")])
    return text


def clean_api_base_url(url: str) -> str:
    text = (url or "").strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequest("The API base URL is not valid.", [Detail("apiBaseUrl", "Use an http:// or https:// address, such as https://shop.example.com.")])
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidRequest("The API base URL is not valid.", [Detail(
            "apiBaseUrl", "Give only the scheme and host (and port), such as https://shop.example.com: Platen adds the platform's paths.")])
    try:
        check_destination(text)
    except FetchFailed as exc:
        raise InvalidRequest("Platen cannot send to that API base URL.", [Detail("apiBaseUrl", exc.reason)]) from None
    return text


def _clean_interval(minutes) -> int:
    if minutes is None or minutes == "":
        return DEFAULT_PULL_MINUTES
    try:
        value = int(minutes)
    except (TypeError, ValueError):
        value = -1
    if not MIN_PULL_MINUTES <= value <= MAX_PULL_MINUTES:
        raise InvalidRequest("The pull interval is not valid.", [Detail(
            "pullIntervalMinutes", f"Use a whole number of minutes from {MIN_PULL_MINUTES} to {MAX_PULL_MINUTES} (a day).")])
    return value


def _required(value: str, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidRequest(f"Enter the {what}.", [Detail(field, f"Enter the {what}.")])
    if len(text) > 1000:
        raise InvalidRequest(f"The {what} is too long.", [Detail(field, f"The {what} has at most 1,000 characters.")])
    return text


def _cleaned(setup: StoreSetup) -> StoreSetup:
    problems: list[Detail] = []
    values = {}
    if setup.platform not in Platform._value2member_map_:
        raise InvalidRequest("Choose a platform.", [Detail("platform", "Use shopify or bigcommerce.")])
    checks = {
        "domain": lambda: clean_domain(setup.platform, setup.domain),
        "access_token": lambda: _required(setup.access_token, "accessToken", "access token"),
        "webhook_secret": lambda: _required(setup.webhook_secret, "webhookSecret", "webhook secret"),
        "api_base_url": lambda: clean_api_base_url(setup.api_base_url),
        "pull_interval_minutes": lambda: _clean_interval(setup.pull_interval_minutes),
    }
    for name, check in checks.items():
        try:
            values[name] = check()
        except InvalidRequest as exc:
            problems += exc.details
    if problems:
        raise InvalidRequest("The store cannot be connected as given." if len(problems) > 1 else problems[0].message, problems)
    return StoreSetup(platform=setup.platform, import_not_connected=bool(setup.import_not_connected),
                      name=(setup.name or "").strip()[:120], **values)


def verify_token(credentials: Credentials) -> None:
    """One cheap call with the token: InvalidRequest when the platform refuses it; anything else lets it pass."""
    try:
        with registry.connector(credentials) as connector:
            connector.fetch_order("0")
    except AuthFailed as exc:
        raise InvalidRequest("The store refused the access token.", [Detail(
            "accessToken", f"{label(credentials.platform)} refused this access token ({exc.message}). Copy the token "
                           "again from the store's app settings; check the app may read orders and products.")]) from None
    except (ConnectorError, FetchFailed) as exc:
        log.warning("store token not checked", extra={"platform": credentials.platform, "domain": credentials.domain,
                                                       "error": str(exc)})


# --- Changes ------------------------------------------------------------------------------------------------


def connect(account, setup: StoreSetup, actor: Actor) -> Store:
    setup = _cleaned(setup)
    existing = Store.objects.filter(account=account, platform=setup.platform, domain=setup.domain).first()
    if existing is not None:
        raise _already_connected(existing)
    verify_token(Credentials(setup.platform, setup.domain, setup.access_token, setup.webhook_secret, setup.api_base_url))
    now = timezone.now()
    try:
        with transaction.atomic():
            store = Store.objects.create(
                account=account, platform=setup.platform, domain=setup.domain, name=setup.name,
                api_base_url=setup.api_base_url, access_token_sealed=connections.seal(setup.access_token),
                webhook_secret_sealed=connections.seal(setup.webhook_secret), status=StoreStatus.ACTIVE,
                status_changed_at=now, connected_at=now, next_pull_at=now,
                import_not_connected=setup.import_not_connected, pull_interval_minutes=setup.pull_interval_minutes)
            StoreStatusChange.objects.create(store=store, status=StoreStatus.ACTIVE, reason="Connected.",
                                             actor_label=actor.label[:255], at=now)
            tasks.after_connect(store)
    except IntegrityError:  # connected twice at the same moment
        raise _already_connected(Store.objects.get(account=account, platform=setup.platform, domain=setup.domain)) from None
    log.info("store connected", extra={"store_id": store.pk, "platform": store.platform, "account_id": account.pk})
    return store


def _already_connected(store: Store) -> Conflict:
    what = "connected" if store.status == StoreStatus.ACTIVE else f"connected before (now {store.status.replace('_', ' ')})"
    return Conflict(f"This store is already {what} as “{store}”: reconnect it or change its settings instead.",
                    code="store_exists", details=[Detail("domain", f"Store id {store.pk}.")])


def update(account, store_id, changes: dict, actor: Actor) -> Store:
    """`changes` may hold name, import_not_connected, pull_interval_minutes, access_token, webhook_secret."""
    with transaction.atomic():
        store = get_store(account, store_id)
        store = Store.objects.select_for_update().get(pk=store.pk)
        fields = []
        if changes.get("name") is not None:
            store.name, fields = changes["name"].strip()[:120], fields + ["name"]
        if changes.get("import_not_connected") is not None:
            store.import_not_connected, fields = bool(changes["import_not_connected"]), fields + ["import_not_connected"]
        if changes.get("pull_interval_minutes") is not None:
            store.pull_interval_minutes = _clean_interval(changes["pull_interval_minutes"])
            if store.status == StoreStatus.ACTIVE and store.last_pulled_at:
                # The next pull keeps to the new rhythm from the last one (at once when that is already past).
                store.next_pull_at = store.last_pulled_at + timedelta(minutes=store.pull_interval_minutes)
                fields.append("next_pull_at")
            fields.append("pull_interval_minutes")
        if changes.get("access_token") is not None:
            store.access_token_sealed = connections.seal(_required(changes["access_token"], "accessToken", "access token"))
            fields.append("access_token_sealed")
        if changes.get("webhook_secret") is not None:
            store.webhook_secret_sealed = connections.seal(_required(changes["webhook_secret"], "webhookSecret", "webhook secret"))
            fields.append("webhook_secret_sealed")
        if fields:
            store.save(update_fields=fields)
    log.info("store settings changed", extra={"store_id": store.pk, "fields": fields, "actor": actor.label})
    return store


def disconnect(account, store_id, actor: Actor) -> Store:
    with transaction.atomic():
        store = get_store(account, store_id)
        connections.change_status(store, StoreStatus.DISCONNECTED, actor, reason=f"Disconnected by {actor.label}.")
        Store.objects.filter(pk=store.pk).update(next_pull_at=None)
        store.next_pull_at = None
    return store


def reconnect(account, store_id, actor: Actor, *, access_token: str = "", webhook_secret: str = "") -> Store:
    """Check the token (a new one when given), then active again, webhooks registered again, a pull and a product
    sync at once."""
    store = get_store(account, store_id)
    token = access_token.strip()
    current = connections.credentials(store)
    verify_token(Credentials(store.platform, store.domain, token or current.access_token,
                             webhook_secret.strip() or current.webhook_secret, store.api_base_url))
    with transaction.atomic():
        changes = {}
        if token:
            changes["access_token_sealed"] = connections.seal(token)
        if webhook_secret.strip():
            changes["webhook_secret_sealed"] = connections.seal(webhook_secret.strip())
        if changes:
            Store.objects.filter(pk=store.pk).update(**changes)
        connections.change_status(store, StoreStatus.ACTIVE, actor, reason=f"Reconnected by {actor.label}.")
        Store.objects.filter(pk=store.pk).update(next_pull_at=timezone.now(), last_pull_error="")
        tasks.after_connect(store)
    store.refresh_from_db()
    return store


def sync_now(account, store_id, actor: Actor) -> Store:
    """Pull the store's orders and sync its products now (pulls.sync_now); 409 when the store is not active, saying
    why."""
    store = get_store(account, store_id)
    if store.status == StoreStatus.DISCONNECTED:
        raise Conflict("The store is disconnected. Reconnect it first, then sync.", code="store_not_active")
    if store.status == StoreStatus.AUTH_FAILED:
        why = (store.status_reason or f"{label(store.platform)} refused Platen's access token").rstrip(".")
        raise Conflict(f"The store stopped syncing: {why}. Reconnect it with a valid access token, then sync.",
                       code="store_not_active")
    pulls.sync_now(store)
    log.info("store sync asked", extra={"store_id": store.pk, "actor": actor.label})
    store.refresh_from_db()
    return store
