"""Why a store order is not (yet) a Platen order: one code per cause, shared by imports and diagnosis.

The sentence for a given order is built where the cause is found (it names the items, the SKU, the status);
these codes are what tests, the API and the diagnosis match on.
"""

from enum import StrEnum


class Reason(StrEnum):
    PLACED_BEFORE_CONNECTION = "placed_before_connection"  # skipped
    STORE_NOT_ACTIVE = "store_not_active"  # placed while the store was disconnected or failing auth: skipped
    NOT_PAID = "not_paid"  # skipped until paid (an update that says paid imports it)
    STATUS_CHANGED = "status_changed"  # the store status is not "awaiting fulfillment" (changed by hand): skipped
    CANCELLED_IN_STORE = "cancelled_in_store"  # skipped
    PRODUCT_NOT_CONNECTED = "product_not_connected"  # skipped without "Import not connected orders"
    ALL_ITEMS_IGNORED = "all_items_ignored"  # skipped
    SKU_NOT_MAPPED = "sku_not_mapped"  # waiting: imports when the SKU is mapped
    SHIPPING_METHOD_NOT_MAPPED = "shipping_method_not_mapped"  # waiting: imports when the method is mapped
    REJECTED = "rejected"  # the order's data failed intake (the intake request's reasons): skipped
