"""Loopback only: the test suite's traffic may go to this machine and nowhere else.

`install()` wraps socket connections and name lookups for the whole session: a connection to a non-loopback address
or a lookup of a name other than localhost (an address written out needs no query and passes) is refused (ConnectionRefusedError, so the code under test sees a
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
    """Whether `host` (a name or an address, as sockets and lookups take it) is this machine."""
    if host is None:  # a lookup for binding (passive) or of the local host's own service
        return True
    name = _name(host)
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return True
    ip = address(name)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip is not None and ip.is_loopback


def address(host) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address `host` spells, also in the resolver's numeric forms ("127.1", "0x7f.1", "2130706433") that are
    answered without any query; None for a name."""
    name = _name(host)
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        pass
    try:
        return ipaddress.ip_address(socket.inet_aton(name))
    except OSError:
        return None


def _name(host) -> str:
    name = host.decode() if isinstance(host, bytes) else str(host)
    return name.strip("[]").split("%")[0].rstrip(".").lower()


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
        if not (is_loopback(host) or address(host)):  # an address is answered here: no query leaves
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
