"""Fixtures shared by the stores tests: a Shopify emulator on loopback and a store connected to it."""

from __future__ import annotations

import pytest

from platen.stores.models import SkuMapping
from tests.emulators.shopify import ShopifyEmulator
from tests.orders.factories import POSTER
from tests.stores.import_support import map_shipping, print_files, shopify_store


@pytest.fixture
def shop():
    with ShopifyEmulator() as emulator:
        yield emulator


@pytest.fixture
def store(account, shop, loopback_fetching):
    """A store connected to the Shopify emulator `shop` a day ago."""
    return shopify_store(account, shop)


@pytest.fixture
def mapped_store(store):
    """`store` with the poster's SKU (PA3-MATTE) and "Standard Shipping" mapped: its poster orders import."""
    SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
    map_shipping(store, "Standard Shipping")
    return store
