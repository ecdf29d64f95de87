"""Fixtures for the catalog tests. The shipped catalog is already in the test database (post_migrate)."""

from __future__ import annotations

import pytest
from django.test import Client

from platen.accounts.services import create_account, issue_api_key


@pytest.fixture
def api_key(db) -> str:
    account = create_account("Catalog Test Shop", "shop@example.com")
    return issue_api_key(account).secret


@pytest.fixture
def catalog_api(api_key) -> Client:
    return Client(HTTP_X_API_KEY=api_key)
