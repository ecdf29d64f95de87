"""Shared widgets: the main navigation, status badges, readable status names."""

from datetime import datetime
from urllib.parse import urlencode, urlsplit

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html

from platen.dashboard.navigation import visible_items
from platen.orders import fields
from platen.orders.services.method_fix import method_words

register = template.Library()

# One colour family per meaning, shared by fulfilment, payment and intake statuses.
TONES = {
    "draft": "neutral", "received": "neutral", "uploading": "neutral", "pending": "neutral",
    "to_be_invoiced": "neutral", "invoiced": "info",
    "passed": "info", "created": "info", "duplicate": "info",
    "in_production": "progress", "printed": "progress", "packaged": "progress",
    "shipped": "transit", "in_transit": "transit",
    "delivered": "success", "paid": "success", "accepted": "success",
    "pending_approval": "attention", "pending_personalization": "attention", "on_hold": "attention",
    "not_connected": "attention", "partially_refunded": "attention", "refunded": "attention", "returned": "attention",
    "failed": "danger", "refused": "danger", "rejected": "danger",
    "canceled": "muted",
    "interrupted": "attention",  # intake: the caller was cut off before the answer
}


@register.filter
def human(value) -> str:
    """in_production -> in production"""
    return str(value or "").replace("_", " ")


@register.filter
def file_label(url) -> str:
    """https://cdn.example.com/a/b/poster.pdf?sig=… -> cdn.example.com/…/poster.pdf (the link keeps the full URL)."""
    parts = urlsplit(str(url))
    name = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if not name:
        return parts.netloc or str(url)
    middle = "/…/" if parts.path.count("/") > 1 else "/"
    return f"{parts.netloc}{middle}{name}"


@register.simple_tag
def badge(status):
    status = str(status or "")
    return format_html('<span class="badge tone-{}" data-status="{}">{}</span>', TONES.get(status, "neutral"), status, human(status))


@register.filter
def tone(status) -> str:
    return TONES.get(str(status or ""), "neutral")


@register.inclusion_tag("dashboard/_nav.html", takes_context=True)
def main_nav(context):
    request = context["request"]
    current = getattr(request.resolver_match, "url_name", "") or ""
    items = [
        {"label": item.label, "url": reverse(item.url_name), "active": current.startswith(item.section)}
        for item in visible_items(request.user)
    ]
    return {"items": items}


@register.simple_tag(takes_context=True)
def filter_query(context, **changes) -> str:
    """"?status=failed&q=ada" from the page's clean `filters` with `changes` applied; empty values dropped,
    so links never carry the blank fields an htmx form submit sends."""
    params = {**context.get("filters", {}), **changes}
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(clean) if clean else ""


@register.filter
def check_label(name) -> str:
    """A preflight check's wire name as a label: page_size -> Page size."""
    return str(name).replace("_", " ").capitalize()


@register.filter
def field_label(path, names=None) -> str:
    """A problem's wire field as people read it: {{ p.field|field_label:order }} (or item names from the view)."""
    return fields.field_label(path, _item_names(names))


def _item_names(source) -> dict:
    """Item names from an order (computed once per order object), a list of its items, or ready-made names."""
    if source is None or source == "":
        return {}
    if isinstance(source, dict):
        return source
    if hasattr(source, "items") and hasattr(source, "order_reference_id"):
        if not hasattr(source, "_field_names"):
            source._field_names = fields.names_from_items(source.items.all())
        return source._field_names
    return fields.names_from_items(source)


@register.filter
def shipment_method(order) -> str:
    """The order's shipment method as people read it ("DHL Parcel", "Express"), never a uid or a wire token."""
    if order.shipment_method_name:
        return order.shipment_method_name
    requested = order.shipment_method_uid or order.requested_shipment_method or ""
    return method_words(requested) if requested.strip(", ") else ""


@register.filter(expects_localtime=False)
def when(value, precision="") -> str:
    """A time in the viewer's zone with the zone named: 30 Nov 2026, 14:05 CET (when:"s" adds seconds)."""
    if not isinstance(value, datetime):
        return str(value or "")
    fmt = "j M Y, H:i:s T" if precision == "s" else "j M Y, H:i T"
    return dateformat.format(timezone.localtime(value) if timezone.is_aware(value) else value, fmt)


@register.simple_tag
def viewer_zone() -> str:
    """The sentence every page ends with: which zone its times are in."""
    now = timezone.localtime()
    name = timezone.get_current_timezone_name()
    abbreviation = dateformat.format(now, "T")
    zone = name if abbreviation == name else f"{name} ({abbreviation})"
    return f"Times are shown in {zone}."
