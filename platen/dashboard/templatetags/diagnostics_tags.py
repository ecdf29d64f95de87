"""The diagnostics' parts of any dashboard page: {% open_alerts %} / {% open_alerts store %} (views/alerts.py) and
the stores the "Why isn't my order here?" box chooses from (an operator's: every account's)."""

from django import template

from platen.dashboard.views import alerts
from platen.stores.services import setup

register = template.Library()


@register.inclusion_tag("dashboard/alerts/_banner.html", takes_context=True)
def open_alerts(context, store=None):
    return alerts.banner(context["request"], store)


@register.simple_tag(takes_context=True)
def why_stores(context) -> list:
    return list(setup.stores(context["request"].scope))
