"""Connecting stores and the one transition function of a store's status (with its connection history)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from platen.kit import encryption
from platen.kit.actors import Actor
from platen.kit.errors import Conflict
from platen.stores.connectors import registry
from platen.stores.connectors.base import Connector, Credentials
from platen.stores.models import Store, StoreStatusChange
from platen.stores.statuses import STORE_TRANSITIONS, StoreStatus

log = logging.getLogger("platen.stores")

SEAL = "stores.credentials"


def seal(secret: str) -> str:
    return encryption.encrypt(secret, SEAL) if secret else ""


def credentials(store: Store) -> Credentials:
    return Credentials(
        platform=store.platform, domain=store.domain, api_base_url=store.api_base_url,
        access_token=encryption.decrypt(store.access_token_sealed, SEAL) if store.access_token_sealed else "",
        webhook_secret=encryption.decrypt(store.webhook_secret_sealed, SEAL) if store.webhook_secret_sealed else "",
    )


def connector_for(store: Store, **options) -> Connector:
    """The store's connector with its decrypted credentials; use as a context manager."""
    return registry.connector(credentials(store), **options)


def change_status(store: Store, status: StoreStatus, actor: Actor, *, reason: str = "", at: datetime | None = None) -> bool:
    """The one place a store's status changes: checked against STORE_TRANSITIONS, kept in the connection history.
    Returns False (and changes nothing) when the store already has that status. Runs in the caller's transaction
    when there is one; side effects (e-mails, postbacks) are the caller's, in the same transaction."""
    status = StoreStatus(status)
    at = at or timezone.now()
    with transaction.atomic():
        current = Store.objects.select_for_update().values_list("status", flat=True).get(pk=store.pk)
        if current == status:
            store.status = current
            return False
        if status not in STORE_TRANSITIONS[StoreStatus(current)]:
            raise Conflict(f"A store that is {current} cannot become {status}.")
        values = {"status": status, "status_reason": reason[:500], "status_changed_at": at}
        if status == StoreStatus.ACTIVE:
            values["next_pull_at"] = at  # resume at once: the pull catches up from its cursor
        Store.objects.filter(pk=store.pk).update(**values)
        for name, value in values.items():
            setattr(store, name, value)
        StoreStatusChange.objects.create(store=store, status=status, reason=reason[:500], actor_label=actor.label[:255], at=at)
        if status == StoreStatus.AUTH_FAILED:
            from platen.stores.services import alerts  # the merchant is told once, whoever saw the failure

            alerts.store_auth_failed(store)
    log.info("store status changed", extra={"store_id": store.id, "status": status, "previous": current})
    return True


def active_between(store: Store, at: datetime) -> bool:
    """Whether the store's connection was active at `at` (from the connection history)."""
    last = store.status_changes.filter(at__lte=at).order_by("-at", "-id").first()
    return last is not None and last.status == StoreStatus.ACTIVE
