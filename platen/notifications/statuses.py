"""Names used on the wire and in the tables of the notifications domain."""

from enum import StrEnum


class PostbackEvent(StrEnum):
    """What a merchant can subscribe an endpoint to (names of the v4 order API's webhooks)."""

    ORDER_STATUS_UPDATED = "order_status_updated"
    ORDER_ITEM_STATUS_UPDATED = "order_item_status_updated"
    ORDER_ITEM_TRACKING_CODE_UPDATED = "order_item_tracking_code_updated"
    ORDER_DELIVERY_ESTIMATE_UPDATED = "order_delivery_estimate_updated"
    # About the account rather than one order (dispatch.account_event): no order, so no in-order rule.
    STORE_PRODUCT_CREATED = "store_product_created"
    STORE_PRODUCT_UPDATED = "store_product_updated"
    STORE_PRODUCT_DELETED = "store_product_deleted"
    STORE_SYNC_ALERT = "store_sync_alert"  # a store stopped syncing, or it ended (diagnostics.services.alerts)
    ORDER_STUCK = "order_stuck"  # orders sit in a status far longer than normal, or no longer do


ACCOUNT_EVENTS = frozenset({PostbackEvent.STORE_PRODUCT_CREATED, PostbackEvent.STORE_PRODUCT_UPDATED,
                            PostbackEvent.STORE_PRODUCT_DELETED, PostbackEvent.STORE_SYNC_ALERT, PostbackEvent.ORDER_STUCK})


TEST_EVENT = "webhook_test"  # sent by `:test`, whatever the endpoint subscribes to


class EndpointKind(StrEnum):
    URL = "url"  # a signed JSON POST
    EMAIL = "email"  # the event e-mailed to an address


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its first try or a retry (blocks later events of the same order)
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # refused for good by the receiver (a 4xx other than 408/429), or a test that failed
    DEAD = "dead"  # retries ran out, or the endpoint was disabled; replayable


FINISHED = frozenset({DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.DEAD})


class EmailKind(StrEnum):
    RECEIVED = "received"
    NEEDS_ACTION = "needs_action"
    NOT_CONNECTED = "not_connected"  # a store order came in with items not connected to the catalog (Complete order)
    CANCELED = "canceled"
    PRINTED = "printed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    RETURNED = "returned"
    ENDPOINT_DISABLED = "endpoint_disabled"
    POSTBACK = "postback"  # an event sent to an e-mail endpoint (routed by the endpoint, not by EmailRoute)
    INVITATION = "invitation"  # to the invited person, with a link to set a password (accounts.invitations)
    STORE_AUTH_FAILED = "store_auth_failed"  # a store refused Platen's token: its syncing stopped (stores.services.alerts)
    # Alerts (diagnostics.services.alerts): one template, alert.*, with what happened and what to do.
    STORE_SYNC_ALERT = "store_sync_alert"  # a store's webhooks went silent while pulls still find orders
    ORDER_STUCK = "order_stuck"  # orders sit in a status far longer than normal
    FAILURE_RATE = "failure_rate"  # today's share of failed orders jumped


# The kinds an account routes on the Outbox page (seed 003's triggers), in the order an order lives through them.
ROUTED_KINDS = (EmailKind.RECEIVED, EmailKind.NEEDS_ACTION, EmailKind.NOT_CONNECTED, EmailKind.CANCELED, EmailKind.PRINTED, EmailKind.SHIPPED,
                EmailKind.IN_TRANSIT, EmailKind.DELIVERED, EmailKind.RETURNED, EmailKind.ENDPOINT_DISABLED,
                EmailKind.STORE_AUTH_FAILED, EmailKind.STORE_SYNC_ALERT, EmailKind.ORDER_STUCK, EmailKind.FAILURE_RATE)
ALERT_KINDS = frozenset({EmailKind.STORE_SYNC_ALERT, EmailKind.ORDER_STUCK, EmailKind.FAILURE_RATE})
# Sent unless the account switches them off; the others only once it switches them on (they come for every order).
ON_BY_DEFAULT = frozenset({EmailKind.NEEDS_ACTION, EmailKind.NOT_CONNECTED, EmailKind.CANCELED, EmailKind.SHIPPED, EmailKind.RETURNED,
                           EmailKind.ENDPOINT_DISABLED, EmailKind.POSTBACK, EmailKind.INVITATION,
                           EmailKind.STORE_AUTH_FAILED, *ALERT_KINDS})
KIND_LABELS = {
    EmailKind.RECEIVED: "An order was received",
    EmailKind.NEEDS_ACTION: "An order needs action (failed, not connected, pending approval or personalization)",
    EmailKind.NOT_CONNECTED: "A store order came in with items not connected to a product (complete it)",
    EmailKind.CANCELED: "An order was canceled (by you, the print partner or Platen)",
    EmailKind.PRINTED: "An order was printed",
    EmailKind.SHIPPED: "An order shipped, with its carrier and tracking link",
    EmailKind.IN_TRANSIT: "An order is in transit with the carrier",
    EmailKind.DELIVERED: "An order was delivered",
    EmailKind.RETURNED: "An order is coming back to the sender, and why",
    EmailKind.ENDPOINT_DISABLED: "A postback endpoint was disabled after failing for 3 days",
    EmailKind.POSTBACK: "Postback sent to an e-mail address",
    EmailKind.INVITATION: "An invitation to the dashboard",
    EmailKind.STORE_AUTH_FAILED: "A store stopped syncing: it refused Platen's access token",
    EmailKind.STORE_SYNC_ALERT: "A store's webhooks went silent while its orders still come in by pulls",
    EmailKind.ORDER_STUCK: "Orders sit in a status far longer than normal",
    EmailKind.FAILURE_RATE: "The share of failed orders jumped today",
}


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # gave up after several tries; the error says why


# Order history types written by this domain (the subscriber ignores them, so it never feeds itself).
POSTBACK_SENT = "postback_sent"
POSTBACK_FAILED = "postback_failed"
EMAIL_SENT = "email_sent"
OWN_HISTORY_TYPES = frozenset({POSTBACK_SENT, POSTBACK_FAILED, EMAIL_SENT})
