"""Loopback only: the test suite's traffic may go to this machine and nowhere else.

`install()` wraps socket connections and name lookups for the whole session: a connection to a non-loopback address
or a lookup of a name that is not localhost is refused (ConnectionRefusedError, so the code under test sees a
network failure) and recorded; tests/conftest.py fails the test that made it, naming the target. Recording matters:
code under test may turn a refused connection into a polite answer, and the test must still fail loudly.
"""

from __future__ import annotations

import ipaddress
import socket
import threading

LOOKUPS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex")
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

_refused: list[str] = []
_lock = threading.Lock()
_real = {}


class NonLoopbackTraffic(ConnectionRefusedError):
    """Tests may only reach loopback addresses."""


def is_loopback(host) -> bool:
    if host is None:  # a lookup for binding (passive) or of the local host's own service
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    name = name.strip("[]").split("%")[0].rstrip(".").lower()
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        try:  # the resolver's own numeric forms ("127.1", "0x7f.1", "2130706433"), answered without any lookup
            ip = ipaddress.ip_address(socket.inet_aton(name))
        except OSError:
            return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _refuse(what: str, target) -> NonLoopbackTraffic:
    message = f"Tests may only reach loopback addresses: refused {what} {target!r}"
    with _lock:
        _refused.append(message)
    return NonLoopbackTraffic(message)


def _checked_address(sock: socket.socket, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
        raise _refuse("a connection to", address)


def _connect(self, address):
    _checked_address(self, address)
    return _real["connect"](self, address)


def _connect_ex(self, address):
    _checked_address(self, address)
    return _real["connect_ex"](self, address)


def _by_name(name: str):
    def lookup(host, *args, **kwargs):
        if not is_loopback(host):
            raise _refuse("a name lookup of", host)
        return _real[name](host, *args, **kwargs)
    return lookup


def install() -> None:
    if _real:
        return
    _real.update(connect=socket.socket.connect, connect_ex=socket.socket.connect_ex,
                 **{name: getattr(socket, name) for name in LOOKUPS})
    socket.socket.connect, socket.socket.connect_ex = _connect, _connect_ex
    for name in LOOKUPS:
        setattr(socket, name, _by_name(name))


def take_refusals() -> list[str]:
    """The refusals since the last call (from any thread), and forget them."""
    with _lock:
        taken = list(dict.fromkeys(_refused))
        _refused.clear()
    return taken
