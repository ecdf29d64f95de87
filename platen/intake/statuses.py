from enum import StrEnum


class Outcome(StrEnum):
    RECEIVED = "received"  # stored, not yet interpreted
    ACCEPTED = "accepted"  # became an order
    DUPLICATE = "duplicate"  # matched an order that already existed (Idempotency-Key or preventDuplicate)
    REJECTED = "rejected"  # could not become an order; `reasons` says why


TRANSITIONS: dict[Outcome, frozenset[Outcome]] = {
    Outcome.RECEIVED: frozenset({Outcome.ACCEPTED, Outcome.DUPLICATE, Outcome.REJECTED}),
    Outcome.ACCEPTED: frozenset(),
    Outcome.DUPLICATE: frozenset(),
    Outcome.REJECTED: frozenset(),
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
