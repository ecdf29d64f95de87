"""Fixtures shared by the diagnostics tests."""

import pytest

from tests.emulators.bigcommerce import BigCommerceEmulator


@pytest.fixture
def bc():
    """A BigCommerce store on loopback with a quota no test reaches."""
    with BigCommerceEmulator(quota=10_000) as emulator:
        yield emulator
