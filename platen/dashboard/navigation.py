"""The dashboard's main navigation, in one place: a new page adds one NavItem here.

`section` is the url-name prefix of the pages that belong to the entry, so the detail and action
pages of a section highlight its entry too (e.g. "order" matches orders, order, order_address).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    section: str
    operators_only: bool = False


NAV: tuple[NavItem, ...] = (
    NavItem("Orders", "dashboard:orders", "order"),
    NavItem("Requests", "dashboard:requests", "request"),
    NavItem("Postbacks", "dashboard:postbacks", "postback"),
    NavItem("Outbox", "dashboard:outbox", "outbox"),
    NavItem("Settings", "dashboard:settings", "settings"),
    NavItem("Accounts", "dashboard:accounts", "account", operators_only=True),
    NavItem("Network", "dashboard:network", "network", operators_only=True),
    NavItem("Jobs", "dashboard:jobs", "job", operators_only=True),
    # Next: Stores, Catalog.
)


def visible_items(user) -> list[NavItem]:
    return [item for item in NAV if not item.operators_only or getattr(user, "is_operator", False)]
