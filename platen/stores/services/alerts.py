"""Telling the merchant a store stopped syncing because the platform refused Platen's access token.

Called by connections.change_status in the transaction of the change to auth_failed, so every caller (pulls,
product sync, webhooks, registering webhooks) sends the same e-mail once per failure. The Stores page shows the
same state from the store itself (status and reason); reconnecting clears both.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from platen.notifications import emails
from platen.notifications.statuses import EmailKind
from platen.stores.models import Store


def store_auth_failed(store: Store) -> None:
    from platen.stores.services.setup import label

    emails.queue(store.account_id, EmailKind.STORE_AUTH_FAILED, context={
        "storeId": str(store.pk), "storeName": str(store), "domain": store.domain, "platform": label(store.platform),
        "reason": store.status_reason, "since": f"{store.status_changed_at:%Y-%m-%d %H:%M} UTC",
        "storeUrl": settings.PLATEN.base_url + reverse("dashboard:store", args=[store.pk]),
    })
    from platen.diagnostics.services import alerts as diagnostics  # the Alert row and the postback, without a second e-mail

    diagnostics.store_auth_failed(store)
