"""One real `platen web` for the contract tests, and clients of it (with and without a key)."""

import pytest

from tests.contract.client import OrderApiClient
from tests.webserver import platen_web


@pytest.fixture(scope="session")
def web(tmp_path_factory, file_server):
    # Print files come from the tests' file server on loopback, as a local demo would fetch them.
    with platen_web(tmp_path_factory.mktemp("contract"), PLATEN_FETCH_ALLOW_PRIVATE="1") as server:
        yield server


@pytest.fixture(scope="session")
def client(web):
    client = OrderApiClient(web.url, web.key)
    yield client
    client.close()


@pytest.fixture(scope="session")
def anonymous(web):
    client = OrderApiClient(web.url, None)
    yield client
    client.close()
