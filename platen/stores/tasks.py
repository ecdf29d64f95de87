"""Background jobs of store connections. They take ids, reload, re-check and are idempotent; the services are
imported inside the jobs (they enqueue these jobs themselves).

- `process_webhook`: one stored webhook delivery, parsed by the connector and applied (services.webhooks).
- `pull_store`: one store's pull (services.pulls); `stores.pull-due` queues it for every active store that is due.
- `retry_waiting` (stores.retry-waiting): the store's waiting orders again, after a SKU or shipping mapping was
  added: call `enqueue_retry_waiting(store)` in the transaction that added it.
"""

from __future__ import annotations

from datetime import timedelta

from platen.jobs import enqueue, job, periodic


@job(max_attempts=10)
def process_webhook(webhook_id: str) -> None:
    from platen.stores.services import webhooks

    webhooks.process(int(webhook_id))


@job(max_attempts=12)
def pull_store(store_id: str) -> None:
    from platen.stores.models import Store
    from platen.stores.services import pulls

    store = Store.objects.select_related("account").filter(pk=store_id).first()
    if store is not None:
        pulls.pull(store)


@periodic("stores.pull-due", every=timedelta(minutes=1))
def pull_due() -> None:
    from platen.stores.services import pulls

    pulls.enqueue_due()


@job(max_attempts=5)
def retry_waiting(store_id: str) -> None:
    from platen.stores.models import Store
    from platen.stores.services import importing

    store = Store.objects.select_related("account").filter(pk=store_id).first()
    if store is not None:
        importing.retry_waiting(store)


def enqueue_webhook(webhook_id: int) -> None:
    enqueue(process_webhook, str(webhook_id))


def enqueue_pull(store_id) -> None:
    enqueue(pull_store, str(store_id))


def enqueue_retry_waiting(store) -> None:
    """Call inside the transaction that added a SKU or shipping-method mapping."""
    enqueue(retry_waiting, str(store.pk))
