"""Badges for delivery and e-mail statuses, in the dashboard's tone families."""

from django import template
from django.utils.html import format_html

register = template.Library()

TONES = {
    "pending": "neutral", "queued": "neutral", "succeeded": "success", "sent": "success",
    "failed": "danger", "dead": "muted", "active": "success", "disabled": "danger",
}


@register.simple_tag
def note_badge(status):
    status = str(status or "")
    return format_html('<span class="badge tone-{}" data-status="{}">{}</span>', TONES.get(status, "neutral"), status, status)
