"""What carriers' and aggregators' statuses mean for Platen: the one table (a choice, documented here).

| Platen meaning | EasyPost `status` | AfterShip `tag` | Shippo `status` |
|---|---|---|---|
| still `shipped` | pre_transit | InfoReceived | PRE_TRANSIT |
| `in_transit` | in_transit, out_for_delivery, available_for_pickup | InTransit, OutForDelivery, AttemptFail, AvailableForPickup | TRANSIT |
| `delivered` | delivered | Delivered | DELIVERED |
| `returned` (with the reason) | return_to_sender | Exception_010/_011 (returning/returned to sender) | RETURNED, substatus return_to_sender |
| exception: shown, status unchanged | failure, error, cancelled | Exception (other subtags), Expired | FAILURE |
| nothing | unknown | Pending | UNKNOWN |

Whatever the status, a checkpoint whose detail says the parcel is lost, damaged or held at customs is an
exception too (EasyPost status_detail lost/damaged, AfterShip Exception_004/_012/_013, Shippo substatus
package_lost/package_damaged/package_held with customs), unless it is already delivered or returned.

The reason (why a parcel comes back or is stuck) comes from the provider's detail code, else from the words
of the carrier's message; a return says the last reason its tracker gave (refused, wrong address, not
picked up), so "Exception_003 refused" followed by "Exception_011 returned" reads "returned: refused".
"""

from __future__ import annotations

from platen.production.carriers.base import DELIVERED, EXCEPTION, IN_TRANSIT, RETURNED, SHIPPED

REFUSED, WRONG_ADDRESS, NOT_PICKED_UP = "refused", "wrong_address", "not_picked_up"
LOST, DAMAGED, CUSTOMS_HOLD = "lost", "damaged", "customs_hold"
UNDELIVERABLE, EXPIRED, CANCELLED, TRACKING_ERROR, FAILED = "undeliverable", "expired", "cancelled", "tracking_error", "failed"
RETURNED_REASON = "returned"

# Sentences merchants read (the package's exception_message and the history's reason start with these).
REASONS = {
    REFUSED: "The recipient refused the parcel.",
    WRONG_ADDRESS: "The address is wrong or incomplete.",
    NOT_PICKED_UP: "The parcel was not picked up in time.",
    LOST: "The carrier reports the parcel lost.",
    DAMAGED: "The carrier reports the parcel damaged.",
    CUSTOMS_HOLD: "The parcel is held at customs.",
    UNDELIVERABLE: "The carrier could not deliver the parcel.",
    EXPIRED: "The carrier has had no news of the parcel for a long time.",
    CANCELLED: "The carrier reports the shipment cancelled.",
    TRACKING_ERROR: "The carrier cannot track this tracking code.",
    FAILED: "The carrier reports a problem with the delivery.",
    RETURNED_REASON: "The parcel is going back to the sender.",
}
RETURN_REASONS = frozenset({REFUSED, WRONG_ADDRESS, NOT_PICKED_UP})
ALWAYS_EXCEPTIONS = frozenset({LOST, DAMAGED, CUSTOMS_HOLD})

# --- EasyPost --------------------------------------------------------------------------------------
EASYPOST_STATUS = {
    "unknown": "", "pre_transit": SHIPPED,
    "in_transit": IN_TRANSIT, "out_for_delivery": IN_TRANSIT, "available_for_pickup": IN_TRANSIT,
    "delivered": DELIVERED, "return_to_sender": RETURNED,
    "failure": EXCEPTION, "error": EXCEPTION, "cancelled": EXCEPTION,
}
EASYPOST_STATUS_REASON = {"failure": FAILED, "error": TRACKING_ERROR, "cancelled": CANCELLED, "return_to_sender": RETURNED_REASON}
EASYPOST_DETAIL_REASON = {
    "refused": REFUSED, "lost": LOST, "damaged": DAMAGED, "expired": EXPIRED, "cancelled": CANCELLED,
    "delivery_exception": UNDELIVERABLE, "return": RETURNED_REASON,
}

# --- AfterShip -------------------------------------------------------------------------------------
AFTERSHIP_TAG = {
    "Pending": "", "InfoReceived": SHIPPED,
    "InTransit": IN_TRANSIT, "OutForDelivery": IN_TRANSIT, "AttemptFail": IN_TRANSIT, "AvailableForPickup": IN_TRANSIT,
    "Delivered": DELIVERED, "Exception": EXCEPTION, "Expired": EXCEPTION,
}
AFTERSHIP_SUBTAG_REASON = {
    "Exception_001": FAILED, "Exception_002": WRONG_ADDRESS, "Exception_003": REFUSED, "Exception_004": CUSTOMS_HOLD,
    "Exception_007": WRONG_ADDRESS, "Exception_009": UNDELIVERABLE, "Exception_010": RETURNED_REASON,
    "Exception_011": RETURNED_REASON, "Exception_012": DAMAGED, "Exception_013": LOST, "Expired_001": EXPIRED,
}
AFTERSHIP_RETURN_SUBTAGS = frozenset({"Exception_010", "Exception_011"})

# --- Shippo ----------------------------------------------------------------------------------------
SHIPPO_STATUS = {
    "UNKNOWN": "", "PRE_TRANSIT": SHIPPED, "TRANSIT": IN_TRANSIT, "DELIVERED": DELIVERED,
    "RETURNED": RETURNED, "FAILURE": EXCEPTION,
}
SHIPPO_SUBSTATUS_REASON = {
    "package_lost": LOST, "package_damaged": DAMAGED, "package_unclaimed": NOT_PICKED_UP,
    "address_issue": WRONG_ADDRESS, "package_undeliverable": UNDELIVERABLE, "package_disposed": LOST,
    "return_to_sender": RETURNED_REASON,
}

# Words in a carrier's message, when its codes say nothing more (checked in this order, lower case).
MESSAGE_WORDS = (
    (REFUSED, ("refused", "rejected by the recipient", "rejected by recipient", "declined by")),
    (WRONG_ADDRESS, ("incorrect address", "wrong address", "bad address", "insufficient address", "address unknown",
                     "unknown address", "addressee unknown", "not deliverable as addressed", "undeliverable as addressed",
                     "moved, left no address", "no such address")),
    (NOT_PICKED_UP, ("unclaimed", "not picked up", "not collected", "uncollected")),
    (LOST, ("lost",)),
    (DAMAGED, ("damaged",)),
)


def reason_from_words(message: str) -> str:
    lower = (message or "").lower()
    if "customs" in lower and any(w in lower for w in ("held", "hold", "delay", "detained")):
        return CUSTOMS_HOLD
    for reason, words in MESSAGE_WORDS:
        if any(w in lower for w in words):
            return reason
    return ""


def meaning(status: str, reason: str) -> str:
    """A checkpoint's meaning once its reason is known: lost, damaged and customs holds are exceptions
    whatever the status says, unless the parcel is already delivered or returned."""
    if reason in ALWAYS_EXCEPTIONS and status not in (DELIVERED, RETURNED):
        return EXCEPTION
    return status


def sentence(reason: str, message: str = "") -> str:
    """What the merchant reads for an exception or a return: the reason's sentence and the carrier's words."""
    said = REASONS.get(reason, "")
    if message and message.lower().rstrip(".") not in said.lower():
        said = f"{said} The carrier says: “{message}”." if said else f"The carrier says: “{message}”."
    return said or REASONS[FAILED]
