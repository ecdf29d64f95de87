"""Fixing a failed order in place: another print file (a URL, or a file uploaded to Platen), another product,
page count or quantity for a failed item, another shipment method (method_fix.py); then Reprocess
(changes.reprocess) checks the order again.

Only failed items change this way, and a change is made whole or refused whole. The changed
item's problems are worked out again at once, so what was fixed no longer shows while what is left still does.
Uploads also give items waiting for personalization their artwork.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import transaction

from platen.catalog import services as catalog
from platen.kit.actors import Actor
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound
from platen.orders import events, rules
from platen.orders.checks import check_order
from platen.orders.models import ItemFile, Order, OrderItem
from platen.orders.pipeline import file_problems
from platen.orders.schemas import FILE_TYPE_HELP, DraftPatchIn, ItemFixIn, OrderFixIn, is_file_type
from platen.orders.services import method_fix, queries
from platen.orders.services.approval import personalized
from platen.orders.statuses import PRINTED_OR_LATER, Fulfillment
from platen.preflight import services as preflight
from platen.preflight.fetching import FetchFailed, stored_file, store_upload

FIXABLE = rules.REPROCESSABLE
DRAFT_FIELDS = frozenset(DraftPatchIn.model_fields) - {"items"}
LINE_FIELDS = {"productUid": "product_uid", "pageCount": "page_count", "quantity": "quantity"}


@dataclass(frozen=True)
class Upload:
    name: str  # as the merchant's computer called it
    chunks: Iterable[bytes]


@dataclass
class _Change:
    """One item's change, as it is being made."""

    item: OrderItem
    field: str  # where the request named it: "items[0]", or "file" for an upload
    line: dict = field(default_factory=dict)  # {"productUid": {"from", "to"}, ...}
    links: list = field(default_factory=list)  # FileIn: files to take from these URLs
    replaced: list[ItemFile] = field(default_factory=list)  # new file rows


def fix_items(account, order_id, patch: OrderFixIn, actor: Actor) -> Order:
    """PATCH of a submitted order: change its failed items (by itemReferenceId), or refuse with the reason."""
    with transaction.atomic():
        order = queries.locked_order(account, order_id)
        _refuse_draft_fields(order, patch)
        if not patch.items and patch.shipmentMethodUid is None:
            raise InvalidRequest("Nothing was changed: list the items to fix, each with its itemReferenceId, "
                                 "or give another shipmentMethodUid.",
                                 [Detail("items", "This field is required.")], code="nothing_to_change")
        items = list(order.items.all())
        if patch.shipmentMethodUid is not None:
            method_fix.change_method(order, items, patch.shipmentMethodUid, actor)
        if not patch.items:
            return order
        wanted = [(f"items[{n}]", fix, _named(items, fix.itemReferenceId, f"items[{n}].itemReferenceId"))
                  for n, fix in enumerate(patch.items)]
        for _, _, item in wanted:
            _require_fixable(item)
        work = [_Change(item, where, line=_change_line(item, fix, where), links=fix.files or [])
                for where, fix, item in wanted]
        _refuse_what_the_catalog_refuses(order, items, work)
        for change in work:
            if change.line:
                change.item.save(update_fields=[LINE_FIELDS[name] for name in change.line])
            change.replaced = [_replace_file(change.item, f.type, url=f.url) for f in change.links]
            if change.line or change.replaced:
                events.record(order, events.ITEM_CHANGED, actor, item=change.item, params={
                    "changed": change.line, "files": [{"type": f.type, "url": f.url} for f in change.replaced]})
        _recheck(order, items, work)
        return order


def upload_file(account, order_id, item_reference_id: str, file_type: str, upload: Upload, actor: Actor) -> Order:
    """Store an uploaded print file like a fetched one and make it the item's file of that type: a failed item's
    replacement, or the artwork of an item waiting for personalization (which then goes through the checks)."""
    if not is_file_type(file_type):
        raise InvalidRequest("The file was not stored: its type is not known.", [Detail("type", FILE_TYPE_HELP + ".")])
    # Refuse before storing anything when the item cannot take a file now.
    _require_accepts_upload(queries.get_item(account, order_id, item_reference_id))
    try:
        stored = store_upload(upload.chunks, name=upload.name or "the upload")
    except FetchFailed as exc:
        raise InvalidRequest(f"The file was not stored. {exc.reason}", [Detail("file", exc.reason)],
                             code="invalid_file") from None
    with transaction.atomic():
        order = queries.locked_order(account, order_id)
        items = list(order.items.all())
        item = queries.item_named(items, order_id, item_reference_id)
        _require_accepts_upload(item)
        file = _replace_file(item, file_type, url=_upload_url(order, item, file_type), uploaded_as=upload.name[:255],
                             content_sha256=stored.sha256, size=stored.size, detected_type=stored.detected_type)
        events.record(order, events.FILE_UPLOADED, actor, item=item, params={
            "type": file_type, "name": file.uploaded_as, "size": stored.size, "sha256": stored.sha256})
        if item.fulfillment_status == Fulfillment.PENDING_PERSONALIZATION:
            personalized(order, items, item, actor, [file.uploaded_as])
        else:
            _recheck(order, items, [_Change(item, "file", replaced=[file])])
        return order


def uploaded_file(account, order_id, item_reference_id: str, file_type: str) -> tuple[Path, ItemFile]:
    """The stored copy of an item's uploaded file of that type (for downloading it back)."""
    item = queries.get_item(account, order_id, item_reference_id)
    file = next((f for f in item.files.all() if f.type == file_type and f.uploaded_as), None)
    if file is None:
        raise NotFound(f"Item {item_reference_id} has no uploaded {file_type} file.", code="file_not_found")
    try:
        return stored_file(file.content_sha256, file.detected_type).path, file
    except FetchFailed:
        raise NotFound("The uploaded file is no longer stored at Platen.", code="file_not_found") from None


def fixable(item: OrderItem) -> bool:
    return not item.is_ignored and item.fulfillment_status in FIXABLE


def _refuse_draft_fields(order: Order, patch: OrderFixIn) -> None:
    if order.is_draft:
        raise Conflict("This order is a draft: change it as a draft.", code="is_a_draft")
    sent = sorted(DRAFT_FIELDS & set(patch.model_extra or {}))
    if sent:
        raise Conflict(
            f"Only drafts can be changed with PATCH; this order was already submitted ({', '.join(sent)} cannot change). "
            "Of a failed order, only the failed items (their files, product, page count and quantity) and the "
            "shipment method can be fixed.",
            code="not_a_draft",
        )


def _named(items: list[OrderItem], reference: str, where: str) -> OrderItem:
    item = next((i for i in items if i.item_reference_id == reference), None)
    if item is None:
        raise InvalidRequest(f"Nothing was changed: the order has no item {reference!r}.",
                             [Detail(where, f"The order has no item {reference!r}.")], code="item_not_found")
    return item


def _require_fixable(item: OrderItem) -> None:
    if fixable(item):
        return
    status = Fulfillment(item.fulfillment_status)
    name = f"Item {item.item_reference_id}"
    if status in PRINTED_OR_LATER:
        why = f"{name} is already {status.replace('_', ' ')}; nothing can be changed once printed."
    elif status == Fulfillment.CANCELED:
        why = f"{name} is canceled; it can no longer be changed."
    elif status in (Fulfillment.RECEIVED, Fulfillment.UPLOADING):
        why = f"{name} is being checked right now; wait for the outcome and fix it if it fails."
    elif status == Fulfillment.PENDING_PERSONALIZATION:
        why = f"{name} is waiting for its personalization; give it its print files instead."
    else:
        why = f"{name} is {status.replace('_', ' ')}, not failed: only a failed item can be changed."
    raise Conflict(why, code="item_not_failed")


def _require_accepts_upload(item: OrderItem) -> None:
    if item.fulfillment_status != Fulfillment.PENDING_PERSONALIZATION or item.is_ignored:
        _require_fixable(item)


def _change_line(item: OrderItem, fix: ItemFixIn, where: str) -> dict:
    """Set the new product, pages and quantity on the item (not saved) and return what changed."""
    product = catalog.get_product(fix.productUid) if fix.productUid is not None else None
    if fix.productUid is not None and product is None:
        raise InvalidRequest(f"Nothing was changed: no product has the productUid {fix.productUid!r}.",
                             [Detail(f"{where}.productUid", "Choose a product from the catalog.")], code="unknown_product")
    wanted = {"productUid": fix.productUid, "quantity": fix.quantity}
    if "pageCount" in fix.model_fields_set:
        wanted["pageCount"] = fix.pageCount
    elif product is not None and product.uid != item.product_uid and not product.is_multi_page:
        wanted["pageCount"] = None  # a single-page product has no page count
    changed = {}
    for wire, value in wanted.items():
        column = LINE_FIELDS[wire]
        if (value is not None or wire == "pageCount") and getattr(item, column) != value:
            changed[wire] = {"from": getattr(item, column), "to": value}
            setattr(item, column, value)
    return changed


def _refuse_what_the_catalog_refuses(order: Order, items: list[OrderItem], work: list[_Change]) -> None:
    """A new product, page count or quantity the catalog's rules refuse for this order is bad input: 400."""
    changed = [c for c in work if c.line]
    if not changed:
        return
    problems = check_order(order, _active(items), order.shipping_address).problems
    details = []
    for change in changed:
        names = set(LINE_FIELDS) if "productUid" in change.line else set(change.line)
        prefix = f"items[{change.item.position}]."
        details += [Detail(f"{change.field}.{p.field.removeprefix(prefix)}", p.message) for p in problems
                    if p.field.startswith(prefix) and p.field.removeprefix(prefix) in names]
    if details:
        raise InvalidRequest("Nothing was changed: the catalog does not allow this change.", details, code="change_refused")


def _replace_file(item: OrderItem, file_type: str, **values) -> ItemFile:
    """The item's file of `file_type` (all of them, if it had several) becomes this one, at the same place."""
    current = list(item.files.all())
    same = [f for f in current if f.type == file_type]
    position = same[0].position if same else max((f.position for f in current), default=-1) + 1
    ItemFile.objects.filter(pk__in=[f.pk for f in same]).delete()
    return ItemFile.objects.create(item=item, position=position, type=file_type, **values)


def _recheck(order: Order, items: list[OrderItem], work: list[_Change]) -> None:
    """Work out the changed items' problems again: the catalog's rules, and each file's report where it can be
    judged without the worker (new content not yet read is judged by Reprocess). Other problems stay."""
    rule_problems = check_order(order, _active(items), order.shipping_address).problems
    problems = list(order.problems)
    for change in work:
        item = change.item
        product = catalog.get_product(item.product_uid) if item.product_uid else None
        renewed = {f.pk for f in change.replaced}
        judge_all = bool({"productUid", "pageCount"} & set(change.line))
        now = [{"field": p.field, "code": p.code, "message": p.message} for p in rule_problems if about(p.field, item)]
        for file in item.files.all():
            field = f"items[{item.position}].files[{file.position}]"
            if file.pk in renewed or (judge_all and file.content_sha256):
                _judge_again(file, item, product)
                now += file_problems(item, file, None) if file.preflight else []
            else:
                now += [p for p in problems if p["field"] == field]
        problems = [p for p in problems if not about(p["field"], item)] + now
    order.problems = problems
    order.save(update_fields=["problems", "updated_at"])


def _judge_again(file: ItemFile, item: OrderItem, product) -> None:
    """The file's report against the item's (maybe new) product, from the facts kept for its content; none when
    its content was not read yet."""
    report = None
    if file.content_sha256:
        spec = preflight.spec_for(product, file_type=file.type, page_count=item.page_count) if product else None
        report = preflight.check_known_content(file.content_sha256, spec)
    file.preflight = report.to_dict() if report else None
    ItemFile.objects.filter(pk=file.pk).update(preflight=file.preflight)


def about(field: str, item: OrderItem) -> bool:
    """Whether a problem's field is about this item (items[2], items[2].quantity, items[2].files[0]...)."""
    prefix = f"items[{item.position}]"
    return field == prefix or field.startswith(prefix + ".")


def _active(items: list[OrderItem]) -> list[OrderItem]:
    return [i for i in items if not i.is_ignored and i.fulfillment_status != Fulfillment.CANCELED]


def _upload_url(order: Order, item: OrderItem, file_type: str) -> str:
    """Where the API gives the uploaded file back (with the account's key)."""
    reference = quote(item.item_reference_id, safe="")
    return f"{settings.PLATEN.base_url}/v4/orders/{order.id}/items/{reference}/files/{quote(file_type, safe='')}"
