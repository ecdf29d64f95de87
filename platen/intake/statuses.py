from enum import StrEnum


class Outcome(StrEnum):
    RECEIVED = "received"  # stored, not yet interpreted
    ACCEPTED = "accepted"  # became an order
    DUPLICATE = "duplicate"  # matched an order that already existed (Idempotency-Key or preventDuplicate)
    REJECTED = "rejected"  # could not become an order; `reasons` says why
    INTERRUPTED = "interrupted"  # the connection or process ended before an answer; no order was made (sweep)


TRANSITIONS: dict[Outcome, frozenset[Outcome]] = {
    Outcome.RECEIVED: frozenset({Outcome.ACCEPTED, Outcome.DUPLICATE, Outcome.REJECTED, Outcome.INTERRUPTED}),
    Outcome.ACCEPTED: frozenset(),
    Outcome.DUPLICATE: frozenset(),
    Outcome.REJECTED: frozenset(),
    Outcome.INTERRUPTED: frozenset(),
}


class Channel(StrEnum):
    API = "api"
    UI = "ui"
    SHOPIFY = "shopify"
    BIGCOMMERCE = "bigcommerce"
    WOOCOMMERCE = "woocommerce"
    ETSY = "etsy"
    SQUARESPACE = "squarespace"
    FTP = "ftp"
    CSV = "csv"


# Channels whose requests are answered while the caller waits: one still `received` after the longest a
# request may take was cut off (connection dropped, web process killed). Channels processed later by jobs
# are not swept.
ANSWERED_WHILE_WAITING = frozenset({Channel.API, Channel.UI})
