"""A print partner, its facility and its API client, for the tests of the partner's side."""

from __future__ import annotations

import pytest

from tests.production import factories


@pytest.fixture
def partner():
    return factories.partner("Print Berlin")


@pytest.fixture
def facility(partner):
    return factories.facility(owner=partner)


@pytest.fixture
def papi(partner_api, partner):
    """The partner's API client (its own key)."""
    return partner_api(partner)
