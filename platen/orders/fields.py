"""Wire field paths as a merchant reads them: shippingAddress.postCode -> "the shipping address's postal code",
items[0].files[1] -> "item 'poster-1', file 2 (front)".

Problems and API error details keep the wire path in `field` (clients map it to their own forms); every page
and e-mail a person reads shows field_label(path, names) instead. One mapping, used by all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ORDER_FIELDS = {
    "orderReferenceId": "the order reference", "customerReferenceId": "the customer reference",
    "currency": "the currency", "items": "the items", "metadata": "the order's notes (metadata)",
    "shipmentMethodUid": "the shipment method", "orderType": "the order type",
    "preventDuplicate": "the duplicate check", "shippingAddress": "the shipping address",
    "returnAddress": "the return address", "recipient": "the recipient's address", "products": "the products",
    "body": "the request", "": "the request",
}
ADDRESS_OWNERS = {"shippingAddress": "the shipping address's", "returnAddress": "the return address's",
                  "recipient": "the recipient's"}
ADDRESS_FIELDS = {
    "firstName": "first name", "lastName": "last name", "companyName": "company name",
    "addressLine1": "street address", "addressLine2": "second address line", "city": "city",
    "postCode": "postal code", "state": "state or province", "country": "country", "email": "e-mail address",
    "phone": "phone number", "isBusiness": "business flag", "federalTaxId": "federal tax id",
    "stateTaxId": "state tax id", "registrationStateCode": "registration state",
}
ITEM_FIELDS = {
    "productUid": "product", "storeProductVariantId": "store product", "pageCount": "page count",
    "quantity": "quantity", "files": "print files", "metadata": "notes (metadata)", "itemReferenceId": "reference",
}
FILE_FIELDS = {"url": "URL", "type": "type"}
_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)?((?:\[\d+\])*)")


@dataclass(frozen=True)
class ItemName:
    reference: str
    file_types: list[str] = field(default_factory=list)


def names_from_items(items: Iterable) -> dict[int, ItemName]:
    """Item names by wire position from OrderItems (their `files` prefetched, or one query per item)."""
    return {i.position: ItemName(i.item_reference_id, [f.type for f in i.files.all()]) for i in items}


def names_from_payload(body) -> dict[int, ItemName]:
    """Item names by position from a raw order payload (a rejected request has no items in the database)."""
    items = body.get("items") if isinstance(body, dict) else None
    names = {}
    for n, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            files = item.get("files") if isinstance(item.get("files"), list) else []
            types = [str(f.get("type") or "default") if isinstance(f, dict) else "default" for f in files]
            names[n] = ItemName(str(item.get("itemReferenceId") or ""), types)
    return names


def field_label(path: str, names: Mapping[int, ItemName] | None = None) -> str:
    """A readable label for a wire path; names give items their reference and files their type."""
    steps = _steps(str(path or ""))
    if not steps:
        return ORDER_FIELDS[""]
    (head, head_index), rest = steps[0], steps[1:]
    if head in ("items", "products") and head_index is not None:
        return _item_label(head_index, rest, names or {})
    if head in ADDRESS_OWNERS and rest:
        return f"{ADDRESS_OWNERS[head]} {ADDRESS_FIELDS.get(rest[0][0], words(rest[0][0]))}"
    if head == "metadata" and head_index is not None:
        return f"the order's note {head_index + 1}" + _tail(rest, {})
    label = ORDER_FIELDS.get(head, f"the {words(head)}")
    return label + _tail(rest, {})


def _item_label(index: int, rest: list, names: Mapping[int, ItemName]) -> str:
    name = names.get(index)
    label = f"item '{name.reference}'" if name and name.reference else f"item {index + 1}"
    if not rest:
        return label
    (key, sub_index), rest = rest[0], rest[1:]
    if key == "files" and sub_index is not None:
        types = name.file_types if name else []
        kind = types[sub_index] if sub_index < len(types) else ""
        label += f", file {sub_index + 1}" + (f" ({kind})" if kind and kind != "default" else "")
        return label + _tail(rest, FILE_FIELDS)
    if key == "metadata" and sub_index is not None:
        return f"{label}, note {sub_index + 1}" + _tail(rest, {})
    return f"{label}, {ITEM_FIELDS.get(key, words(key))}" + _tail(rest, {})


def _tail(rest: list, labels: dict) -> str:
    parts = []
    for key, index in rest:
        if key:
            parts.append(labels.get(key, words(key)))
        if index is not None:
            parts.append(f"entry {index + 1}")
    return (", " + ", ".join(parts)) if parts else ""


def _steps(path: str) -> list[tuple[str, int | None]]:
    """"items[0].files[1]" -> [("items", 0), ("files", 1)]; nested indexes keep the last one."""
    steps = []
    for part in filter(None, path.split(".")):
        match = _STEP.fullmatch(part)
        if not match:
            steps.append((part, None))
            continue
        indexes = re.findall(r"\[(\d+)\]", match.group(2) or "")
        steps.append((match.group(1) or "", int(indexes[-1]) if indexes else None))
    return steps


def words(name: str) -> str:
    """storeProductVariantId -> store product variant id"""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").lower()


def readable(problems: Iterable[dict], names: Mapping[int, ItemName] | None = None) -> list[dict]:
    """Stored problems ({"field", "message", ...}) with a `label` for people; the wire field stays as it was."""
    return [{**p, "label": field_label(p.get("field", ""), names)} for p in problems]
