"""The dashboard's main navigation, in one place: a new page adds one NavItem here.

`section` is the url-name prefix of the pages that belong to the entry, so the detail and action
pages of a section highlight its entry too (e.g. "order" matches orders, order, order_address).
"""

from __future__ import annotations

from dataclasses import dataclass

from platen.dashboard.access import is_partner_login


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    section: str
    operators_only: bool = False
    # A print partner's page: the only kind a partner login sees; operators see it too, merchants never.
    partners: bool = False


NAV: tuple[NavItem, ...] = (
    NavItem("Orders", "dashboard:orders", "order"),
    NavItem("Requests", "dashboard:requests", "request"),
    NavItem("Stores", "dashboard:stores", "store"),
    NavItem("Analytics", "dashboard:analytics", "analytics"),
    NavItem("Postbacks", "dashboard:postbacks", "postback"),
    NavItem("Outbox", "dashboard:outbox", "outbox"),
    NavItem("Settings", "dashboard:settings", "settings"),
    NavItem("Accounts", "dashboard:accounts", "account", operators_only=True),
    NavItem("Network", "dashboard:network", "network", operators_only=True),
    NavItem("Jobs", "dashboard:jobs", "job", operators_only=True),
    NavItem("Production", "dashboard:production", "production", partners=True),
    # Next: Catalog.
)


def visible_items(user) -> list[NavItem]:
    operator = getattr(user, "is_operator", False)
    if is_partner_login(user):
        return [item for item in NAV if item.partners]
    return [item for item in NAV if operator or not (item.operators_only or item.partners)]
