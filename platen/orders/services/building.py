"""Turning wire input into order rows (shared by create and draft edits)."""

from __future__ import annotations

from platen.orders.models import Address, ItemFile, Order, OrderItem
from platen.orders.schemas import AddressIn, ItemIn, ReturnAddressIn

ADDRESS_WIRE = {
    "firstName": "first_name", "lastName": "last_name", "companyName": "company_name",
    "addressLine1": "address_line1", "addressLine2": "address_line2", "city": "city", "postCode": "post_code",
    "state": "state", "country": "country", "email": "email", "phone": "phone", "isBusiness": "is_business",
    "federalTaxId": "federal_tax_id", "stateTaxId": "state_tax_id", "registrationStateCode": "registration_state_code",
}


def address_values(data: AddressIn | ReturnAddressIn) -> dict:
    values = {}
    for wire, column in ADDRESS_WIRE.items():
        if wire in type(data).model_fields:
            value = getattr(data, wire)
            values[column] = value if column == "is_business" else (value or "")
    return values


def new_address(data: AddressIn | ReturnAddressIn) -> Address:
    return Address.objects.create(**address_values(data))


def build_items(order: Order, items: list[ItemIn], status: str) -> tuple[list[OrderItem], list[ItemFile]]:
    """Unsaved rows for `items`; the order and each item answer .items.all() / .files.all() from memory."""
    rows, files = [], []
    for n, item in enumerate(items):
        row = OrderItem(
            order=order, position=n, item_reference_id=item.itemReferenceId, product_uid=item.productUid or "",
            store_product_variant_id=item.storeProductVariantId or "", page_count=item.pageCount,
            quantity=item.quantity, fulfillment_status=status, metadata=[m.model_dump() for m in item.metadata],
        )
        row_files = [ItemFile(item=row, position=k, type=f.type, url=f.url) for k, f in enumerate(item.files)]
        remember(row, "files", row_files)
        rows.append(row)
        files += row_files
    remember(order, "items", rows)
    return rows, files


def insert_items(items: list[OrderItem], files: list[ItemFile]) -> None:
    OrderItem.objects.bulk_create(items)
    ItemFile.objects.bulk_create(files)


def create_items(order: Order, items: list[ItemIn], status: str) -> list[OrderItem]:
    rows, files = build_items(order, items, status)
    insert_items(rows, files)
    return rows


def remember(row, relation: str, related: list) -> None:
    # Django's own prefetch cache: the presenter and the checks read these rows without asking the database.
    row._prefetched_objects_cache = {**getattr(row, "_prefetched_objects_cache", {}), relation: related}
