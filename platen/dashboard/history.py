"""An order's events as readable timeline entries: one sentence per event type, plus who and why."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from platen.catalog.services import product_names
from platen.dashboard.templatetags.dashboard import file_label
from platen.notifications.emails import dates_words
from platen.notifications.statuses import EMAIL_SENT, POSTBACK_FAILED, POSTBACK_SENT
from platen.orders import events as ev
from platen.orders.fields import ADDRESS_FIELDS, field_label, names_from_items, words
from platen.orders.presenters import ADDRESS_WIRE
from platen.stores.services import completion

# Column names of Address as a merchant reads them (shipping_address_updated stores column names).
ADDRESS_LABELS = {column: ADDRESS_FIELDS[wire] for wire, column in ADDRESS_WIRE}


@dataclass(frozen=True)
class Entry:
    title: str
    actor: str
    created_at: datetime
    reason: str = ""
    details: list[str] = field(default_factory=list)
    tone: str = "neutral"  # neutral, good, bad, change: the dot's colour on the timeline
    minor: bool = False  # per-item moves that repeat what the order-level entry says
    link: tuple[str, str] | None = None  # (url, text): a web page the entry points at, such as the carrier's tracking


def timeline(events) -> list[Entry]:
    """Newest first, as merchants read a history. An item move repeats the reason of the order-level
    change it belongs to; it is said once, on the order-level entry."""
    events = list(events)
    # Problems name items by position; the order's items give them their references (one query, when needed).
    failed = next((e for e in events if e.type == ev.VALIDATION_FAILED), None)
    names = names_from_items(failed.order.items.prefetch_related("files")) if failed else {}
    entries = [entry(e, names) for e in reversed(_one_per_parcel(events))]
    said = {e.reason.rstrip(".") for e in entries if not e.minor and e.reason} | {e.title for e in entries if not e.minor}
    return [replace(e, reason="") if e.minor and e.reason.rstrip(".") in said else e for e in entries]


def entry(e, names: dict | None = None) -> Entry:
    p = e.params or {}
    title, details, tone, minor = _describe(e, p, names or {})
    # A failed check lists its problems one by one; its reason would only repeat them joined.
    reason = "" if e.type == ev.VALIDATION_FAILED or e.reason.rstrip(".") == title else e.reason
    return Entry(title, actor(e), e.created_at, reason, details, tone, minor, _link(e, p))


def actor(e) -> str:
    label = e.actor_label or e.actor_id
    return {
        "user": f"by {label}",
        "api_key": f"via {label}" if label.startswith("API key") else f"via API key “{label}”",
        "channel": f"via {label}",
        "system": f"by {label}" if label and label != "Platen" else "by Platen",
        "partner": f"by {label} (print partner)" if label else "by the print partner",
        "carrier": f"reported by {label}",
    }.get(e.actor_kind, f"by {label}" if label else "")


def _item(e) -> str:
    return e.item.item_reference_id if e.item_id else "?"


def _side(file_type) -> str:
    return "the design" if file_type in (None, "default") else f"the {str(file_type).replace('-', ' ')}"


def _size(size) -> str:
    size = size or 0
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def _item_changes(p: dict) -> list[str]:
    """A fixed item's changes as people read them: product names, not uids; file names, not URLs."""
    changed = p.get("changed") or {}
    product = changed.get("productUid")
    names = product_names([product.get("from"), product.get("to")]) if product else {}
    lines = [f"product: {names.get(product.get('from'), product.get('from'))} → {names.get(product.get('to'), product.get('to'))}"] if product else []
    lines += [f"{label}: {changed[key].get('from') or '—'} → {changed[key].get('to') or '—'}"
              for key, label in (("quantity", "quantity"), ("pageCount", "pages")) if key in changed]
    lines += [f"new file for {_side(f.get('type'))}: {file_label(f.get('url', ''))}" for f in p.get("files") or []]
    return lines


def _human(status) -> str:
    return str(status or "?").replace("_", " ")


# Complete order's decisions (stores.services.completion): the reason names the item, the product and the scope.
COMPLETION_STEPS = {
    completion.ITEM_CONNECTED: ("Item connected", "good"), completion.ITEM_IGNORED: ("Item ignored", "neutral"),
    completion.ORDER_COMPLETED: ("Order completed", "change"),
}


# The production and shipping steps of an order, as sentences (who did it is the entry's actor).
PRODUCTION_STEPS = {
    "in_production": ("In production at the print partner", "change"),
    "printed": ("Printed", "good"),
    "packaged": ("Packed and ready to ship", "good"),
    "shipped": ("Shipped", "good"),
    "in_transit": ("In transit with the carrier", "change"),
    "delivered": ("Delivered", "good"),
    "returned": ("Returned to the sender", "bad"),
}


def _count(things, word: str) -> str:
    return f"{len(things)} {word}{'s' if len(things) != 1 else ''}"


def _dates(low: str | None, high: str | None) -> str:
    try:
        return "arrives " + dates_words(date.fromisoformat(low or ""), date.fromisoformat(high or ""))
    except ValueError:
        return f"arrives between {low or '?'} and {high or '?'}"


def _link(e, p: dict) -> tuple[str, str] | None:
    """The carrier's tracking page of a parcel; only web addresses are linked (a partner types the URL)."""
    url = p.get("trackingUrl") or ""
    if e.type == ev.TRACKING_CODE_UPDATED and url.startswith(("https://", "http://")):
        return url, f"Track parcel {p.get('trackingCode') or ''}".strip()
    return None


def _one_per_parcel(events: list) -> list:
    """A parcel's tracking code is written once per item it holds: the timeline says it once, naming the items."""
    kept, by_code = [], {}
    for e in events:
        code = (e.params or {}).get("trackingCode") if e.type == ev.TRACKING_CODE_UPDATED else None
        if code and code in by_code:
            if e.item_id:
                by_code[code].parcel_items.append(_item(e))
            continue
        if code:
            e.parcel_items = [_item(e)] if e.item_id else []
            by_code[code] = e
        kept.append(e)
    return kept


def _checkpoint(p: dict) -> str:
    """A carrier checkpoint as merchants read it: “Departed FedEx location” at ORLANDO, FL, US on 1 Aug 2024 14:42."""
    said = f"“{p['message']}”" if p.get("message") else _human(p.get("carrierStatus") or p.get("status"))
    where = f" at {p['location']}" if p.get("location") else ""
    try:
        moment = datetime.fromisoformat(p.get("occurredAt", ""))
        when = f" on {moment.day} {moment:%b %Y %H:%M}"
    except (TypeError, ValueError):
        when = ""
    return f"{said}{where}{when}"


def _routing(e, p: dict) -> tuple[str, list[str], str, bool]:
    """Routing's decisions: where and when (the runners-up and why they lost), why none, how it was split."""
    if e.type == ev.ROUTED:
        where = f"{p.get('facilityName') or p.get('facility')} ({(p.get('winner') or {}).get('country', '?')})"
        details = [f"Also possible: {r.get('name')}. {r.get('reason')}" for r in p.get("runnersUp") or []]
        return f"Routed to {where}, due {p.get('dueDate')}.", details, "change", False
    if e.type == ev.ROUTING_HELD:
        return "No facility can make it yet: on hold until one can", \
            [r.get("reason", "") for r in p.get("ruledOut") or []], "bad", False
    parts = p.get("orderIds") or []
    details = [f"{'This order' if oid == str(e.order_id) else f'Order {oid[:8]}'}: {', '.join(refs)}"
               for oid, refs in (p.get("itemsByOrder") or {}).items()]
    return f"Split into {len(parts)} connected orders", details, "change", False


def _store_push(t: str, p: dict) -> tuple[str, list[str], str, bool]:
    """Tracking told to the store the order came from (stores.services.fulfillments), or why it could not be."""
    store, kind, code = p.get("platformName") or "the store", p.get("kind"), p.get("trackingCode")
    what = {"delivered": "delivery", "returned": "return"}.get(kind)
    if t == ev.STORE_FULFILLMENT_PUSHED:
        if what:
            return f"{what.capitalize()} reported to {store}", [], "good", False
        return (f"Tracking {code} sent to {store}" if code else f"Shipment sent to {store}"), [], "good", False
    title = f"Reporting the {what} to {store} failed" if what else f"Sending tracking to {store} failed"
    return title, [], "bad", False


def _describe(e, p: dict, names: dict) -> tuple[str, list[str], str, bool]:
    t = e.type
    if t == ev.ORDER_CREATED:
        items = p.get("items")
        count = f" with {items} item{'s' if items != 1 else ''}" if items is not None else ""
        return f"Order received via {p.get('channel', 'api')}{count}", [], "neutral", False
    if t == ev.DRAFT_CREATED:
        return "Draft created", [], "neutral", False
    if t == ev.ORDER_STATUS_CHANGED and p.get("to") in PRODUCTION_STEPS:
        title, tone = PRODUCTION_STEPS[p["to"]]
        return title, [], tone, False
    if t == ev.ORDER_STATUS_CHANGED:
        to = p.get("to")
        tone = "bad" if to in ("failed", "canceled", "returned") else "good" if to in ("passed", "delivered", "shipped") else "change"
        return f"Status changed from {_human(p.get('from'))} to {_human(to)}", [], tone, False
    if t == ev.ITEM_STATUS_CHANGED:
        who = f"Item {e.item.item_reference_id}" if e.item_id else "An item"
        return f"{who} moved from {_human(p.get('from'))} to {_human(p.get('to'))}", [], "neutral", True
    if t == ev.FINANCIAL_STATUS_CHANGED:
        return f"Payment status changed from {_human(p.get('from'))} to {_human(p.get('to'))}", [], "change", False
    if t == ev.VALIDATION_FAILED:
        problems = p.get("problems") or []
        details = [f"{field_label(pr.get('field'), names).capitalize()}: {pr.get('message')}" for pr in problems]
        n = len(problems)
        return f"Checks found {n} problem{'s' if n != 1 else ''}", details, "bad", False
    if t == ev.VALIDATION_PASSED:
        method = p.get("shipmentMethodName") or p.get("shipmentMethodUid")
        return "Checks passed" + (f"; ships with {method}" if method else ""), [], "good", False
    if t == ev.ADDRESS_UPDATED:
        changed = p.get("changed") or {}
        details = [f"{ADDRESS_LABELS.get(k, k)}: {v.get('from') or '(empty)'} → {v.get('to') or '(empty)'}" for k, v in changed.items()]
        return "Shipping address changed", details, "change", False
    if t == ev.DRAFT_UPDATED:
        return "Draft changed: " + ", ".join(field_label(k) for k in (p.get("changed") or {})), [], "change", False
    if t == ev.DRAFT_SUBMITTED:
        return "Draft submitted as an order", [], "change", False
    if t == ev.REPROCESS_REQUESTED:
        return "Reprocess requested", [], "change", False
    if t == ev.DUPLICATE_SUBMISSION:
        return "The same order was submitted again; the existing order was kept", [], "neutral", False
    if t == ev.CANCEL_REQUESTED:
        return "Cancellation requested", [], "bad", False
    if t == ev.APPROVAL_SCHEDULED:
        return f"Goes to production in {p.get('afterHours', '?')} hours unless approved or canceled earlier", [], "change", False
    if t == ev.APPROVED:
        return "Approved", [], "good", False
    if t == ev.PERSONALIZED:
        return "Personalization received", list(p.get("files") or []), "change", False
    if t == ev.ITEM_CHANGED:
        return f"Item {_item(e)} changed", _item_changes(p), "change", False
    if t == ev.SHIPMENT_METHOD_CHANGED:
        names = p.get("shipmentMethodName") or {}
        return f"Shipment method changed from {names.get('from')} to {names.get('to')}", [], "change", False
    if t == ev.FILE_UPLOADED:
        return f"Print file {p.get('name') or 'without a name'} uploaded for item {_item(e)}", \
            [f"{_side(p.get('type'))}, {_size(p.get('size'))}"], "change", False
    if t in (ev.ROUTED, ev.ROUTING_HELD, ev.ORDER_SPLIT):
        return _routing(e, p)
    if t == ev.JOB_FAILED:
        return f"A step failed on our side: {p.get('step', 'a job')}", [], "bad", False
    if t == ev.TRACKING_EVENT:
        if p.get("late"):  # older than what was applied already: kept, but it moves nothing back
            return f"Late carrier update, status kept: {_checkpoint(p)}", [], "neutral", False
        return f"Carrier update: {_checkpoint(p)}", [], "neutral", True
    if t == ev.SHIPMENT_EXCEPTION:
        code = p.get("trackingCode")
        return f"Shipping problem{f' with parcel {code}' if code else ''}", [], "bad", False
    if t in (POSTBACK_SENT, POSTBACK_FAILED):
        ok = t == POSTBACK_SENT
        verb = "sent to" if ok else "could not be delivered to"
        attempts = p.get("attempts")
        details = [f"after {attempts} attempts"] if attempts and attempts > 1 else []
        return f"Postback {_human(p.get('event', ''))} {verb} {p.get('endpoint', 'an endpoint')}", details, "neutral" if ok else "bad", False
    if t == ev.ITEMS_PACKED:
        refs = p.get("itemReferenceIds") or []
        return f"{_count(refs, 'item').capitalize()} verified against the order at packing", \
            [", ".join(refs)] if refs else [], "good", False
    if t == ev.TRACKING_CODE_UPDATED:
        carrier = p.get("carrier") or p.get("shipmentMethodName") or "the carrier"
        items = getattr(e, "parcel_items", None) or ([_item(e)] if e.item_id else [])
        return f"Handed to {carrier} with tracking code {p.get('trackingCode') or '?'}", \
            [f"In this parcel: {', '.join(items)}"] if items else [], "good", False
    if t == ev.DELIVERY_ESTIMATE_UPDATED:
        return f"Delivery estimate: {_dates(p.get('minDeliveryDate'), p.get('maxDeliveryDate'))}", [], "change", False
    if t == ev.PARTNER_REPORT:
        status = p.get("status") or "a status"
        items = [i.get("itemReferenceId") or i.get("id") if isinstance(i, dict) else str(i) for i in p.get("items") or []]
        details = [f"Message: {p['message']}"] if p.get("message") else []
        details += [f"Items: {', '.join(map(str, items))}"] if items else []
        return f"The print partner reported “{_human(status)}”", details, "neutral", False
    if t in (ev.STORE_FULFILLMENT_PUSHED, ev.STORE_FULFILLMENT_FAILED):
        return _store_push(t, p)
    if t == EMAIL_SENT:
        return f"E-mail sent to {p.get('to', '?')}", [], "neutral", False
    if t in COMPLETION_STEPS:
        title, tone = COMPLETION_STEPS[t]
        return title, [], tone, False
    return _human(t).capitalize(), [f"{words(k).capitalize()}: {v}" for k, v in p.items()], "neutral", False
