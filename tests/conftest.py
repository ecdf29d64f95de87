"""Shared fixtures: accounts with API keys and a JSON client for the real API (Django's test client)."""

from __future__ import annotations

import dataclasses
import json as jsonlib

import email_validator
import pytest
from django.test import Client

from platen.accounts import services as accounts
from platen.accounts.services import forget_cached_keys
from platen.catalog import snapshot
from platen.jobs import run_pending
from platen.kit.safehttp import SafeHttpClient, Timeouts
from platen.production import presenters as production_presenters
from platen.production.services import keys as partner_keys
from tests import network_guard
from tests.emulators.fileserver import serve_files
from tests.orders import factories

pytest_plugins = ["tests.browser"]  # the browser and its pages, for browser tests in any folder

network_guard.install()  # loopback only, for the whole session (tests/network_guard.py)

# Test accounts use the reserved .test domain, which email-validator refuses outside a test environment.
email_validator.TEST_ENVIRONMENT = True


class ApiClient:
    """Calls the API as a merchant's program would: JSON bodies and the X-API-KEY header."""

    def __init__(self, key: str | None):
        self.key = key
        self.client = Client()

    def call(self, method: str, path: str, json=None, *, body: str | bytes | None = None, headers: dict | None = None):
        extra = {"headers": {**({"X-API-KEY": self.key} if self.key else {}), **(headers or {})}}
        data = body if body is not None else (jsonlib.dumps(json) if json is not None else "")
        if method == "get":
            return self.client.get(path, **extra)
        return getattr(self.client, method)(path, data=data, content_type="application/json", **extra)

    def get(self, path, **kw):
        return self.call("get", path, **kw)

    def post(self, path, json=None, **kw):
        return self.call("post", path, json, **kw)

    def put(self, path, json=None, **kw):
        return self.call("put", path, json, **kw)

    def patch(self, path, json=None, **kw):
        return self.call("patch", path, json, **kw)

    def delete(self, path, **kw):
        return self.call("delete", path, **kw)


@pytest.fixture(scope="session")
def file_server():
    """Print files on a real HTTP server on loopback; order payloads point at it."""
    with serve_files() as server:
        factories.FILES = server.url("/files")
        yield server


@pytest.fixture
def files(file_server):
    file_server.hits.clear()
    return file_server


@pytest.fixture
def local_client():
    """allow_private=True, as tests and demos run it: real DNS and sockets, loopback only."""
    with SafeHttpClient(allow_private=True, timeouts=Timeouts(2, 2, 5)) as client:
        yield client


@pytest.fixture
def loopback_fetching(settings, file_server):
    """Tests fetch from loopback, as PLATEN_FETCH_ALLOW_PRIVATE allows; production never does."""
    settings.PLATEN = dataclasses.replace(settings.PLATEN, fetch_allow_private=True)


@pytest.fixture
def settle(db, loopback_fetching):
    """Run every ready job (the order pipeline, notifications) through the worker's own code path."""

    def run() -> int:
        ran = 0
        while (count := run_pending()):
            ran += count
        return ran

    return run


@pytest.fixture(autouse=True)
def loopback_only(request):
    """Fail the test that tried to reach beyond this machine, naming the target (even if the code swallowed it)."""
    network_guard.take_refusals()
    yield
    if (refused := network_guard.take_refusals()) and not request.node.get_closest_marker("refuses_network"):
        pytest.fail("\n".join(refused), pytrace=False)


@pytest.fixture(autouse=True)
def fresh_process_caches():
    """Each test starts with empty per-process caches: a rolled-back test must not leave its rows cached."""
    forget_cached_keys()
    partner_keys.forget_cached_keys()
    snapshot.forget()
    production_presenters.forget_products()


@pytest.fixture
def account(db):
    return accounts.create_account("Acme Prints", "ops@acme.test")


@pytest.fixture
def other_account(db):
    return accounts.create_account("Other Shop", "ops@other.test")


@pytest.fixture
def api(account) -> ApiClient:
    return ApiClient(accounts.issue_api_key(account, name="tests").secret)


@pytest.fixture
def other_api(other_account) -> ApiClient:
    return ApiClient(accounts.issue_api_key(other_account).secret)


@pytest.fixture
def anonymous_api(db) -> ApiClient:
    return ApiClient(None)


@pytest.fixture
def partner_api(db):
    """Makes the API client of a print partner (a partner key, ppk_…): partner_api(partner)."""

    def make(partner) -> ApiClient:
        return ApiClient(partner_keys.issue_key(partner, name="tests").secret)

    return make


@pytest.fixture
def without_demo_network(db):
    """A fresh database starts with the demo production network; tests of routing's own choices build theirs."""
    from platen.production.models import Facility, Partner

    Facility.objects.all().delete()
    Partner.objects.all().delete()
