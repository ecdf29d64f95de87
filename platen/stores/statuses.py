"""A store connection's status, a variant's connection and the bucket every store order ends in."""

from enum import StrEnum


class Platform(StrEnum):
    SHOPIFY = "shopify"
    BIGCOMMERCE = "bigcommerce"


class StoreStatus(StrEnum):
    ACTIVE = "active"  # syncing: webhooks accepted, pulls scheduled
    DISCONNECTED = "disconnected"  # the merchant stopped it; nothing is imported
    AUTH_FAILED = "auth_failed"  # the platform answered 401/403: syncing stopped until reconnected


# Every move is allowed but to the same status; kept as a table so the one transition function checks it.
STORE_TRANSITIONS: dict[StoreStatus, frozenset[StoreStatus]] = {
    StoreStatus.ACTIVE: frozenset({StoreStatus.DISCONNECTED, StoreStatus.AUTH_FAILED}),
    StoreStatus.DISCONNECTED: frozenset({StoreStatus.ACTIVE}),
    StoreStatus.AUTH_FAILED: frozenset({StoreStatus.ACTIVE, StoreStatus.DISCONNECTED}),
}


class Connection(StrEnum):
    CONNECTED = "connected"  # to a catalog product with its design files: orders with it are processed
    NOT_CONNECTED = "not_connected"
    IGNORED = "ignored"  # never fulfilled by Platen: orders with only ignored variants are not imported


class Bucket(StrEnum):
    """Where a store order Platen saw ended; every one has one, with a readable reason unless imported."""

    IMPORTED = "imported"  # a Platen order exists (StoreOrder.order)
    WAITING = "waiting"  # will import by itself once the reason is fixed (a mapping added, ...)
    SKIPPED = "skipped"  # not imported on purpose (unpaid, placed before connecting, all items ignored, ...)


class SeenVia(StrEnum):
    WEBHOOK = "webhook"
    PULL = "pull"
    RECREATE = "recreate"  # the merchant created the order from the store order by hand


class PushState(StrEnum):
    """Where a Fulfillment (tracking pushed back to the store) is; services.fulfillments moves it."""

    PENDING = "pending"  # a job will push it
    PUSHED = "pushed"
    RETRYING = "retrying"  # a transient failure: the job tries again with backoff
    WAITING = "waiting"  # the store is not active (auth failed): pushed again on reconnect; or a delivery waits for its shipment
    FAILED = "failed"  # the platform refused it for good, or retries ran out: visible on the order, [Retry]
    UNSUPPORTED = "unsupported"  # the platform has no place for it (delivered/returned on some platforms)
