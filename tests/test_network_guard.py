"""The suite's loopback-only guard (tests/network_guard.py) refuses and records traffic beyond this machine."""

from __future__ import annotations

import socket

import pytest

from tests import network_guard
from tests.emulators.receiver import Receiver


def test_a_connection_or_lookup_beyond_loopback_is_refused_and_named():
    with pytest.raises(ConnectionRefusedError), socket.socket() as sock:
        sock.connect(("192.0.2.7", 443))  # TEST-NET-1: never routed; refused before any packet leaves
    with pytest.raises(ConnectionRefusedError):
        socket.getaddrinfo("shop.example.com", 443)
    assert network_guard.take_refusals() == [
        "Tests may only reach loopback addresses: refused a connection to ('192.0.2.7', 443)",
        "Tests may only reach loopback addresses: refused a name lookup of 'shop.example.com'"]


def test_loopback_names_and_addresses_pass():
    for name in ("localhost", "127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "shop.localhost", "127.1", "0x7f.1",
                 "2130706433"):
        assert network_guard.is_loopback(name), name
    with Receiver() as receiver, socket.create_connection(("localhost", receiver.port), timeout=5):
        pass
    for name in ("10.0.0.1", "localhost.example.com", "10.1", "8.8.8.8", "::ffff:10.0.0.1"):
        assert not network_guard.is_loopback(name), name
    assert socket.getaddrinfo("10.0.0.1", 80) and socket.getaddrinfo("0xa9fea9fe", 80)  # addresses: no query
    assert network_guard.take_refusals() == []


@pytest.mark.django_db
def test_connecting_a_store_without_an_api_base_url_would_ask_the_real_platform_and_is_stopped_here(api):
    """Connecting verifies the token against the platform's own host unless apiBaseUrl names an emulator: in tests
    that lookup never leaves the machine, and the test that makes it is failed with the host named."""
    answer = api.post("/v4/stores", {"platform": "shopify", "domain": "acme.myshopify.com", "accessToken": "shpat_test",
                                     "webhookSecret": "whsec-test"})
    assert answer.status_code == 200, answer.content  # the check's network failure lets the connection through
    assert network_guard.take_refusals() == [
        "Tests may only reach loopback addresses: refused a name lookup of 'acme.myshopify.com'"]
