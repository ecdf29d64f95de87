"""The file server on loopback, fetched from with loopback allowed (as tests and demos run Platen)."""

import pytest

from platen.kit.safehttp import SafeHttpClient, Timeouts
from tests.emulators.fileserver import serve_files


@pytest.fixture(scope="module")
def file_server():
    with serve_files() as server:
        yield server


@pytest.fixture
def files(file_server):
    file_server.hits.clear()
    return file_server


@pytest.fixture
def local_client():
    with SafeHttpClient(allow_private=True, timeouts=Timeouts(2, 2, 5)) as client:
        yield client
