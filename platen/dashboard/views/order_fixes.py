"""Fixing a failed order from its page: another print file (a link or an upload) or another product for a
failed item, another shipping method for the order, and the customer's design for an item waiting for
personalization. POST, then back to the order (PRG); the services decide what is allowed and their refusals
become messages."""

from __future__ import annotations

import pydantic
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from platen.catalog import snapshot
from platen.catalog.models import ProductKind
from platen.dashboard.access import dashboard_view
from platen.dashboard.views.order_actions import refusals_as_messages
from platen.kit.actors import Actor
from platen.kit.downloads import file_response
from platen.kit.errors import InvalidRequest, NotFound, pydantic_details
from platen.orders.schemas import FileIn, OrderFixIn
from platen.orders.services import approval, fixes, method_fix, queries
from platen.orders.statuses import Fulfillment

F = Fulfillment
# While these run, the page asks for itself again every 2 s (htmx) until the order settles.
FOLLOWED = {F.RECEIVED, F.UPLOADING, F.PASSED}
FILE_LABELS = {
    "default": "The design", "front": "Front", "back": "Back", "inside": "Inside", "sleeve-left": "Left sleeve",
    "sleeve-right": "Right sleeve", "neck-inner": "Inside the neck", "neck-outer": "Outside the neck",
}
SIDES_BY_KIND = {
    ProductKind.T_SHIRT: ["front", "back", "sleeve-left", "sleeve-right", "neck-inner", "neck-outer"],
    ProductKind.HOODIE: ["front", "back", "sleeve-left", "sleeve-right", "neck-inner", "neck-outer"],
}
ACCEPT = ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.svg,application/pdf,image/*"


def fix_context(order, items) -> dict:
    """What the order page needs to offer fixes: per item its own problems (as sentences), the files it can
    take, and the catalog to choose another product from."""
    for item in items:
        item.own_problems = [p["message"] for p in order.problems if fixes.about(p["field"], item)]
        item.file_choices = _file_choices(item)
    fixing = [i for i in items if fixes.fixable(i)]
    waiting = [i for i in items if i.fulfillment_status == F.PENDING_PERSONALIZATION and not i.is_ignored]
    choosing = order.fulfillment_status == F.FAILED and method_fix.method_problem(order)
    return {
        "cannot_fix": _cannot_fix(order),
        "method_fix": choosing, "method_choices": method_fix.choices(order, items) if choosing else [],
        "fix_items": fixing, "personalize_items": waiting, "product_groups": _product_groups() if fixing else [],
        "following": order.fulfillment_status in FOLLOWED, "accept_files": ACCEPT,
    }


def _cannot_fix(order) -> list[str]:
    """What no change in place can fix (an order's currency and destination country never change; no facility
    can make it), in words that say what to do instead."""
    if order.fulfillment_status == F.ON_HOLD and any(p["code"] == "no_facility" for p in order.problems):
        return ["No print facility can make this order right now, and no change to the order would help. Platen "
                "routes it again by itself as soon as a facility has the stock and capacity for it; if it cannot "
                "wait, cancel this order."]
    if order.fulfillment_status != F.FAILED:
        return []
    found = {(p["code"], p["field"]) for p in order.problems}
    notes = []
    if ("currency_not_supported", "currency") in found:
        offered = ", ".join(sorted(snapshot.current().currencies))
        notes.append(f"An order's currency cannot be changed, and Platen has no prices in {order.currency}: cancel "
                     f"this order and create it again in {offered}.")
    if ("destination_not_allowed", "shippingAddress.country") in found:
        notes.append(f"An order's destination country cannot be changed, and Platen does not deliver to "
                     f"{order.shipping_address.country}: cancel this order and create it again with a shipping "
                     "address in a country Platen delivers to, or contact Platen if that country should be served.")
    return notes


@require_POST
@dashboard_view
def item_file(request, order_id, item_id):
    """A new file for a failed item, or the design of an item waiting for it: an upload wins over a link."""
    order, item = _order_item(request, order_id, item_id)
    file_type = request.POST.get("type") or "default"
    upload = request.FILES.get("file")
    url = request.POST.get("url", "").strip()
    actor = Actor.user(request.user)
    waiting = item.fulfillment_status == F.PENDING_PERSONALIZATION
    with refusals_as_messages(request):
        if upload is not None:
            fixes.upload_file(request.scope, order.id, item.item_reference_id, file_type,
                              fixes.Upload(upload.name, upload.chunks()), actor)
        elif url:
            link = _checked(FileIn, type=file_type, url=url)
            if waiting:
                approval.personalize(request.scope, order.id, item.item_reference_id, [link], actor)
            else:
                fixes.fix_items(request.scope, order.id, _fix(item, files=[link.model_dump()]), actor)
        else:
            messages.error(request, "Give a link to the file, or choose a file to upload.")
            return _back(order)
        messages.success(request, "The design was received; the item is being checked." if waiting else
                         f"The print file of item {item.item_reference_id} was replaced. "
                         "When everything is fixed, choose Reprocess to check the order again.")
    return _back(order)


@require_POST
@dashboard_view
def item_product(request, order_id, item_id):
    order, item = _order_item(request, order_id, item_id)
    pages = request.POST.get("page_count", "").strip()
    quantity = request.POST.get("quantity", "").strip()
    if not (pages.isdigit() or not pages) or not quantity.isdigit():
        messages.error(request, "Give the quantity, and the number of pages for a book, as whole numbers.")
        return _back(order)
    change = {"productUid": request.POST.get("product", ""), "quantity": int(quantity),
              "pageCount": int(pages) if pages else None}
    with refusals_as_messages(request):
        fixes.fix_items(request.scope, order.id, _fix(item, **change), Actor.user(request.user))
        name = snapshot.current().products.get(change["productUid"])
        messages.success(request, f"Item {item.item_reference_id} was changed{f' to {name.name}' if name else ''}. "
                                  "When everything is fixed, choose Reprocess to check the order again.")
    return _back(order)


@require_POST
@dashboard_view
def shipment_method(request, order_id):
    order = queries.get_order(request.scope, order_id)
    chosen = request.POST.get("method", "").strip()
    if not chosen:
        messages.error(request, "Choose a shipping method.")
        return _back(order)
    with refusals_as_messages(request):
        fixes.fix_items(request.scope, order.id, _checked(OrderFixIn, shipmentMethodUid=chosen), Actor.user(request.user))
        messages.success(request, f"The order now ships with {method_fix.method_words(chosen)}. "
                                  "When everything is fixed, choose Reprocess to check the order again.")
    return _back(order)


@require_GET
@dashboard_view
def uploaded_file(request, order_id, item_id, file_type):
    order, item = _order_item(request, order_id, item_id)
    path, file = fixes.uploaded_file(request.scope, order.id, item.item_reference_id, file_type)
    return file_response(path, file.uploaded_as, file.detected_type)


def _order_item(request, order_id, item_id):
    order = queries.get_order(request.scope, order_id)
    item = next((i for i in order.items.all() if i.pk == item_id), None)
    if item is None:
        raise NotFound("This order has no such item.")
    return order, item


def _fix(item, **change) -> OrderFixIn:
    return _checked(OrderFixIn, items=[{"itemReferenceId": item.item_reference_id, **change}])


def _checked(model, **values):
    """The wire model of the form's values; its problems are refused like the services' (as a message)."""
    try:
        return model(**values)
    except pydantic.ValidationError as exc:
        raise InvalidRequest("Nothing was changed.", pydantic_details(exc.errors())) from None


def _back(order):
    return redirect("dashboard:order", order_id=order.id)


def _file_choices(item) -> list[tuple[str, str]]:
    """The item's own file types first, then the sides its kind of product has."""
    product = snapshot.current().products.get(item.product_uid)
    types = [f.type for f in item.files.all()]
    types += SIDES_BY_KIND.get(product.kind if product else "", ["default"])
    unique = list(dict.fromkeys(types))
    return [(t, FILE_LABELS.get(t, t.replace("-", " ").capitalize())) for t in unique]


def _product_groups() -> list[tuple[str, list]]:
    """The catalog by kind of product, by name within a kind, for a <select> with <optgroup>s."""
    labels = dict(ProductKind.choices)
    groups: dict[str, list] = {}
    for product in sorted(snapshot.current().products.values(), key=lambda p: (p.kind, p.name)):
        groups.setdefault(labels.get(product.kind, product.kind), []).append(product)
    return list(groups.items())
