"""Platform name -> connector class. A new platform is one module in this folder and one line here."""

from __future__ import annotations

import importlib

from platen.stores.connectors.base import Connector, Credentials

_CONNECTORS = {
    "shopify": "platen.stores.connectors.shopify:Shopify",
    "bigcommerce": "platen.stores.connectors.bigcommerce:BigCommerce",
}


def connector_class(platform: str) -> type[Connector]:
    try:
        module, name = _CONNECTORS[platform].split(":")
    except KeyError:
        raise LookupError(f"No connector for {platform!r}.") from None
    return getattr(importlib.import_module(module), name)


def connector(credentials: Credentials, **options) -> Connector:
    return connector_class(credentials.platform)(credentials, **options)


def platforms() -> list[str]:
    return list(_CONNECTORS)
