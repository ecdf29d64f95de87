"""A stand-in internet in front of the loopback file server, so tests run the production address policy."""

import subprocess

import pytest

from platen.kit.safehttp import SafeHttpClient, Timeouts
from tests.emulators.fileserver import LoopbackInternet, ScriptedDns

PUBLIC_IP = "93.184.216.34"  # a public address; LoopbackInternet lands its connections on the file server


@pytest.fixture
def internet(files):
    return LoopbackInternet({PUBLIC_IP: files.port})


@pytest.fixture
def dns():
    return ScriptedDns({"files.example": [[PUBLIC_IP]], "localhost": [["::1", "127.0.0.1"]]})


@pytest.fixture
def client(dns, internet):
    """allow_private=False, as in production; files.example is the file server seen through the internet."""
    with SafeHttpClient(allow_private=False, resolver=dns, network=internet, timeouts=Timeouts(2, 2, 5)) as c:
        yield c


@pytest.fixture(scope="session")
def make_cert(tmp_path_factory):
    """A self-signed certificate for a host name, made with the openssl command."""
    def make(host: str):
        folder = tmp_path_factory.mktemp(host)
        cert, key = folder / "cert.pem", folder / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "1", "-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host}",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        return cert, key
    return make
