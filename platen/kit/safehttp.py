"""The one outbound HTTP client: merchant files in (GET with a byte cap) and postbacks out (POST of JSON).

Merchant URLs are hostile until checked (SSRF). Every connection, on every redirect hop, goes through
`_GuardedNetwork`: the host name is resolved once, every answer is checked against the address policy,
and the socket is opened to the checked IP itself, so a second DNS answer can never swap in an inside
address (rebinding). TLS still verifies the certificate against, and sends SNI for, the host name.
httpx parses URLs; its transport layer httpcore (pinned with it) carries the bytes, because only
httpcore lets us own the connect step. No cookies, no proxies from the environment, no decompression.

FetchFailed codes: bad_url, bad_scheme, refused_address, unreachable, timeout, incomplete, too_large,
too_many_redirects, not_found, expired, forbidden, http_error (and unknown_format from preflight.fetching).
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import json
import os
import socket
import ssl
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path

import httpcore
import httpx

USER_AGENT = "Platen/0.1 (+print file fetcher)"
MAX_REDIRECTS = 5
EXCERPT_BYTES = 2048  # of a postback answer: enough to log what the receiver said
_REDIRECTS = {301, 302, 303, 307, 308}

Resolver = Callable[[str, int], Sequence[str]]  # (host, port) -> IP addresses, in connect order


class FetchFailed(Exception):
    """Any outbound HTTP failure. `reason` is a sentence a merchant can act on (it never shows a query string,
    where signed links keep their secrets); `code` is stable; `url` is the hop that failed, in full: log it
    through display_url(); `status` is the HTTP status when the server answered."""

    def __init__(self, code: str, reason: str, *, url: str = "", status: int | None = None):
        super().__init__(reason)
        self.code, self.reason, self.url, self.status = code, reason, url, status

    @property
    def transient(self) -> bool:
        """Worth trying again later without the merchant doing anything."""
        if self.code == "http_error":
            return self.status is not None and (self.status >= 500 or self.status in (408, 429))
        return self.code in {"timeout", "unreachable", "incomplete"}


# --- Address policy ---------------------------------------------------------------------------------

_net = ipaddress.ip_network
# Named here because ipaddress.is_global misses some (multicast, 6to4 relays, NAT64, site-local).
_SPECIAL_NETS = [
    (_net("100.64.0.0/10"), "carrier-grade NAT shared space"),
    (_net("192.0.0.0/24"), "an IETF protocol assignment range"),
    (_net("192.88.99.0/24"), "the 6to4 relay range"),
    (_net("198.18.0.0/15"), "a benchmarking range"),
    (_net("::ffff:0:0/96"), "an IPv4-mapped IPv6 address"),
    (_net("::ffff:0:0:0/96"), "an IPv4-translated IPv6 address"),
    (_net("::/96"), "an IPv4-compatible IPv6 address"),
    (_net("64:ff9b::/96"), "a NAT64 address that embeds an IPv4 one"),
    (_net("64:ff9b:1::/48"), "a NAT64 address that embeds an IPv4 one"),
    (_net("2002::/16"), "a 6to4 address that embeds an IPv4 one"),
    (_net("2001::/32"), "a Teredo tunnel address"),
    (_net("fec0::/10"), "a site-local IPv6 address"),
]
# What allow_private opens up (tests, local demos): this machine and private LANs, never link-local
# (cloud metadata lives at 169.254.169.254), multicast or reserved space.
_LOCAL_NETS = [_net(n) for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")]


def address_refusal(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_private: bool) -> str | None:
    """Why Platen must not connect to this address (a phrase for the merchant), or None when it may."""
    ip = ipaddress.ip_address(address.split("%")[0] if isinstance(address, str) else address)
    if allow_private and any(ip.version == n.version and ip in n for n in _LOCAL_NETS):
        return None
    if ip.is_loopback:
        return "a loopback address (this machine)"
    if ip.is_unspecified:
        return "the unspecified address"
    for net, what in _SPECIAL_NETS:
        if ip.version == net.version and ip in net:
            return what
    if ip.is_link_local:
        return "a link-local address (such as a cloud metadata service)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private and not ip.is_reserved:
        return "a private network address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved or special-purpose address"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's answer, each address once, in its preferred order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _Refused(Exception):
    def __init__(self, host: str, ip: str, what: str):
        self.host, self.ip, self.what = host, ip, what


class _Unresolvable(Exception):
    pass


def _checked_addresses(host: str, port: int, allow_private: bool, resolver: Resolver) -> list[str]:
    """The host's addresses, resolved once; _Refused when any one of them is off limits (a name that also
    points inside is refused outright), _Unresolvable when there is none."""
    if _is_ip(host):
        addresses = [host]
    else:
        try:
            addresses = list(resolver(host, port))
        except (OSError, UnicodeError) as exc:
            raise _Unresolvable(host) from exc
    if not addresses:
        raise _Unresolvable(host)
    for ip in addresses:
        if (what := address_refusal(ip, allow_private=allow_private)) is not None:
            raise _Refused(host, ip, what)
    return addresses


def check_destination(url: str, *, allow_private: bool | None = None, resolver: Resolver | None = None) -> None:
    """The connect-time check of SafeHttpClient, without connecting: raises FetchFailed (bad_url, bad_scheme,
    refused_address) when Platen would refuse to send to this URL, so a URL stored for later (a postback
    endpoint) is refused when it is given, not on every attempt after. A name that cannot be resolved now
    passes: sending reports it, as a failure that may pass."""
    if allow_private is None:
        from django.conf import settings

        allow_private = settings.PLATEN.fetch_allow_private
    subject = f"Platen cannot send to {display_url(url)}"
    parsed = _parse(url, subject)
    try:
        _checked_addresses(parsed.raw_host.decode("ascii"), parsed.port or (443 if parsed.scheme == "https" else 80),
                           allow_private, resolver or system_resolver)  # the host as the connection names it (IDNA)
    except _Refused as exc:
        raise _refused_failure(subject, exc, url) from None
    except _Unresolvable:
        return


class _GuardedNetwork(httpcore.NetworkBackend):
    """Resolve once, refuse if any answer is off limits, connect to the checked IP (never the name)."""

    def __init__(self, allow_private: bool, resolver: Resolver, inner: httpcore.NetworkBackend):
        self.allow_private, self.resolver, self.inner = allow_private, resolver, inner

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = _checked_addresses(host, port, self.allow_private, self.resolver)
        last_error: Exception | None = None
        for ip in addresses:
            try:
                return self.inner.connect_tcp(ip, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:  # try the next address, as browsers do
                last_error = exc
        raise last_error  # type: ignore[misc]


# --- Results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 30.0  # longest silence between two chunks
    total: float = 600.0  # the whole exchange, redirects and body included


@dataclass(frozen=True)
class Download:
    path: Path  # a temporary file in dest_dir; the caller moves or deletes it
    size: int
    sha256: str
    content_type: str  # as the server declared it; recorded, never trusted
    final_url: str


@dataclass(frozen=True)
class PostResult:
    status: int
    headers: dict[str, str]  # lower-case names, repeated headers joined with ", "
    body_excerpt: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self):
        return json.loads(self.body)


# --- Client -----------------------------------------------------------------------------------------


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """certifi's roots, loaded once per process: building a context costs ~18 ms of CPU, more than a postback."""
    return httpx.create_ssl_context()


class SafeHttpClient:
    """Use as a context manager, or call close(). One instance may serve many requests (one thread at a time)."""

    def __init__(
        self,
        *,
        allow_private: bool | None = None,
        timeouts: Timeouts = Timeouts(),
        max_redirects: int = MAX_REDIRECTS,
        user_agent: str = USER_AGENT,
        resolver: Resolver | None = None,
        network: httpcore.NetworkBackend | None = None,  # where sockets come from; tests route public IPs to loopback
        ssl_context: ssl.SSLContext | None = None,  # a test CA; default: certifi's roots
    ):
        if allow_private is None:
            from django.conf import settings

            allow_private = settings.PLATEN.fetch_allow_private
        self.allow_private = allow_private
        self.timeouts, self.max_redirects, self.user_agent = timeouts, max_redirects, user_agent
        guard = _GuardedNetwork(allow_private, resolver or system_resolver, network or httpcore.SyncBackend())
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or default_ssl_context(), network_backend=guard, retries=0, http2=False
        )

    def __enter__(self) -> SafeHttpClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._pool.close()

    def get_file(self, url: str, *, max_bytes: int, dest_dir: Path, headers: dict[str, str] | None = None) -> Download:
        """Download to a temporary file in dest_dir, following at most max_redirects checked redirects."""
        subject = f"The file at {display_url(url)} could not be downloaded"
        current = _parse(url, subject)
        if (expired_at := signed_url_expiry(current)) is not None and expired_at <= datetime.now(UTC):
            raise FetchFailed("expired", f"{subject}: the signed link expired at {expired_at:%Y-%m-%d %H:%M} UTC. "
                              "Upload the file again and send a new URL.", url=url)
        deadline = time.monotonic() + self.timeouts.total
        for _hop in range(self.max_redirects + 1):
            with self._exchange("GET", current, headers, None, deadline, subject) as response:
                location = _header(response, "location")
                if response.status in _REDIRECTS and location:
                    current = _parse(str(current.join(location)), subject)
                    continue
                _raise_for_status(response.status, current, subject)
                declared = _content_length(response)
                if declared is not None and declared > max_bytes:  # abort before reading a byte of body
                    raise _too_large(subject, max_bytes, str(current))
                path, size, digest = self._stream_to_file(response, max_bytes, dest_dir, deadline, subject, str(current))
                return Download(path, size, digest, _header(response, "content-type"), str(current))
        raise FetchFailed("too_many_redirects", f"{subject}: the link redirected more than {self.max_redirects} "
                          "times. Send the file's direct URL.", url=url)

    def post_json(self, url: str, body: bytes | dict | list, *, headers: dict[str, str] | None = None) -> PostResult:
        """POST once; any HTTP answer is a result (redirects are not followed), only transport failures raise.

        Pass bytes to send exactly what was signed."""
        subject = f"The request to {display_url(url)} could not be completed"
        target = _parse(url, subject)
        content = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
        started = time.monotonic()
        headers = {"Content-Type": "application/json", **(headers or {})}
        with self._exchange("POST", target, headers, content, started + self.timeouts.total, subject) as response:
            excerpt = b""
            for chunk in response.iter_stream():
                excerpt += chunk
                if len(excerpt) >= EXCERPT_BYTES or time.monotonic() > started + self.timeouts.total:
                    break  # the receiver's first words are all the attempt log needs
        return PostResult(
            status=response.status,
            headers=dict(httpx.Headers(response.headers).items()),
            body_excerpt=excerpt[:EXCERPT_BYTES].decode("utf-8", errors="replace"),
            duration_ms=round((time.monotonic() - started) * 1000),
        )

    def get(self, url: str, *, headers: dict[str, str] | None = None, max_bytes: int = 1024 * 1024) -> Answer:
        """GET once (redirects are not followed: an API answers where it is asked); any HTTP answer is a result,
        its body read up to max_bytes (more is too_large). For JSON APIs polled by Platen (carrier tracking)."""
        return self.request("GET", url, headers=headers, max_bytes=max_bytes)

    def request(self, method: str, url: str, *, headers: dict[str, str] | None = None, body: bytes | None = None,
                max_bytes: int = 8 * 1024 * 1024) -> Answer:
        """One API call (store platforms, carriers): redirects are not followed; any HTTP answer is a result, its
        body read up to max_bytes (more is too_large); only transport failures raise FetchFailed."""
        subject = f"The request to {display_url(url)} could not be completed"
        target = _parse(url, subject)
        started = time.monotonic()
        with self._exchange(method, target, headers, body, started + self.timeouts.total, subject) as response:
            content = bytearray()
            for chunk in response.iter_stream():
                content += chunk
                if len(content) > max_bytes:
                    raise _too_large(subject, max_bytes, url)
                if time.monotonic() > started + self.timeouts.total:
                    raise _timeout(subject, f"did not finish within {self.timeouts.total:g} seconds", url)
        return Answer(response.status, dict(httpx.Headers(response.headers).items()), bytes(content))

    @contextmanager
    def _exchange(self, method, url: httpx.URL, headers, content, deadline: float, subject: str) -> Iterator[httpcore.Response]:
        """One request on a checked connection; every transport failure becomes a FetchFailed."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _timeout(subject, f"did not finish within {self.timeouts.total:g} seconds", str(url))
        sent = {"User-Agent": self.user_agent, "Accept": "*/*", "Accept-Encoding": "identity", **(headers or {})}
        timeout = {k: min(v, remaining) for k, v in
                   {"connect": self.timeouts.connect, "read": self.timeouts.read, "write": self.timeouts.read,
                    "pool": self.timeouts.connect}.items()}
        target = httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path)
        try:
            with self._pool.stream(method, target, headers=list(sent.items()), content=content,
                                   extensions={"timeout": timeout}) as response:
                yield response
        except _Refused as exc:
            raise _refused_failure(subject, exc, str(url)) from None
        except _Unresolvable:
            raise FetchFailed("unreachable", f"{subject}: the host name {url.host} could not be found. "
                              "Check the URL for typos.", url=str(url)) from None
        except httpcore.TimeoutException as exc:
            if time.monotonic() >= deadline - 0.01:
                why = f"did not finish within {self.timeouts.total:g} seconds"
            elif isinstance(exc, (httpcore.ConnectTimeout, httpcore.PoolTimeout)):
                why = f"did not answer within {self.timeouts.connect:g} seconds"
            else:
                why = f"stopped sending for more than {self.timeouts.read:g} seconds"
            raise _timeout(subject, why, str(url)) from None
        except (httpcore.RemoteProtocolError, httpcore.ReadError) as exc:
            raise FetchFailed("incomplete", f"{subject}: the server broke off the answer ({_short(exc)}). "
                              "Try again; if it keeps happening, host the file elsewhere.", url=str(url)) from None
        except (httpcore.ConnectError, httpcore.WriteError, httpcore.LocalProtocolError) as exc:
            if (tls_error := _ssl_error(exc)) is not None:
                advice = ("The server needs a valid certificate for this name."
                          if isinstance(tls_error, ssl.SSLCertVerificationError)
                          else "Check that the server speaks HTTPS at this address.")
                raise FetchFailed("unreachable", f"{subject}: a secure connection to {url.host} could not be made "
                                  f"({_short(tls_error)}). {advice}", url=str(url)) from None
            raise FetchFailed("unreachable", f"{subject}: the server could not be reached ({_short(exc)}). "
                              "Check the URL and that the server is online, then try again.", url=str(url)) from None

    def _stream_to_file(self, response, max_bytes, dest_dir: Path, deadline, subject, url) -> tuple[Path, int, str]:
        dest_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=dest_dir, prefix=".part-")
        digest, size = hashlib.sha256(), 0
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in response.iter_stream():
                    size += len(chunk)
                    if size > max_bytes:  # counted on the wire: a missing or lying Content-Length changes nothing
                        raise _too_large(subject, max_bytes, url)
                    if time.monotonic() > deadline:  # a trickle that beats the read timeout still ends
                        raise _timeout(subject, f"did not finish within {self.timeouts.total:g} seconds", url)
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            os.unlink(name)
            raise
        return Path(name), size, digest.hexdigest()


def get_file(url: str, *, max_bytes: int, dest_dir: Path, **client_options) -> Download:
    with SafeHttpClient(**client_options) as client:
        return client.get_file(url, max_bytes=max_bytes, dest_dir=dest_dir)


def post_json(url: str, body: bytes | dict | list, *, headers: dict[str, str] | None = None, **client_options) -> PostResult:
    with SafeHttpClient(**client_options) as client:
        return client.post_json(url, body, headers=headers)


# --- Helpers ----------------------------------------------------------------------------------------


def display_url(url: str) -> str:
    """The URL for messages and logs: no credentials, no query (signed links carry secrets there)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return url[:100] + ("…" if len(url) > 100 else "")
    port = f":{parsed.port}" if parsed.port else ""
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    return f"{parsed.scheme}://{host}{port}{parsed.path}" + ("?…" if parsed.query else "")


def signed_url_expiry(url: httpx.URL) -> datetime | None:
    """When a pre-signed link (S3, Google Cloud Storage, CloudFront, Azure SAS) stops working, if it says."""
    params = {k.lower(): v for k, v in url.params.multi_items()}
    try:
        for prefix in ("x-amz-", "x-goog-"):
            if f"{prefix}date" in params and f"{prefix}expires" in params:
                signed = datetime.strptime(params[f"{prefix}date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                return signed + timedelta(seconds=int(params[f"{prefix}expires"]))
        if params.get("expires", "").isdigit():
            return datetime.fromtimestamp(int(params["expires"]), UTC)
        if "se" in params and "sig" in params:
            return datetime.fromisoformat(params["se"].replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def _looks_signed(url: httpx.URL) -> bool:
    keys = {k.lower() for k in url.params.keys()}
    return bool(keys & {"x-amz-signature", "x-goog-signature", "signature", "sig", "x-amz-credential"})


def _parse(url: str, subject: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        parsed = None
    if parsed is not None and parsed.scheme and parsed.scheme not in ("http", "https"):
        raise FetchFailed("bad_scheme", f"{subject}: only http and https links are accepted, not {parsed.scheme}. "
                          "Send an http:// or https:// URL.", url=url)
    if parsed is None or not parsed.scheme or not parsed.host:
        raise FetchFailed("bad_url", f"{subject}: it is not a complete web address. "
                          "Send a full http:// or https:// URL.", url=url)
    return parsed


def _raise_for_status(status: int, url: httpx.URL, subject: str) -> None:
    if 200 <= status < 300:
        return
    answered = f"the server answered {status} {_phrase(status)}"
    signed = _looks_signed(url)
    if status == 410 or (status in (403, 404) and signed):
        code, text = "expired", f"{answered}, so the link has probably expired. Upload the file again and send a new URL."
    elif status == 404:
        code, text = "not_found", f"{answered}. Check the URL, or upload the file again and send a new URL."
    elif status == 403:
        code, text = "forbidden", f"{answered}. Make the file publicly readable or send a signed link."
    elif status >= 500 or status in (408, 429):
        code, text = "http_error", f"{answered}. The server has a problem; try again later or host the file elsewhere."
    else:
        code, text = "http_error", f"{answered}. Check the URL and the server's access settings."
    raise FetchFailed(code, f"{subject}: {text}", url=str(url), status=status)


def _refused_failure(subject: str, exc: _Refused, url: str) -> FetchFailed:
    where = f"{exc.ip} is" if exc.host in ("", exc.ip) else f"{exc.host} points to {exc.ip}, which is"
    return FetchFailed("refused_address", f"{subject}: {where} {exc.what}, and Platen never connects there. "
                       "Use a publicly reachable address.", url=url)


def _too_large(subject: str, max_bytes: int, url: str) -> FetchFailed:
    return FetchFailed("too_large", f"{subject}: it is larger than the {_size(max_bytes)} limit. "
                       "Make the file smaller, then send it again.", url=url)


def _timeout(subject: str, why: str, url: str) -> FetchFailed:
    return FetchFailed("timeout", f"{subject}: the server {why}. "
                       "Check that the server is online and fast enough, or host the file elsewhere.", url=url)


def _header(response: httpcore.Response, name: str) -> str:
    for key, value in response.headers:
        if key.lower() == name.encode():
            return value.decode("latin-1")
    return ""


def _content_length(response: httpcore.Response) -> int | None:
    value = _header(response, "content-length")
    return int(value) if value.isdigit() else None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:g} {unit}" if unit == "bytes" else f"{n:.3g} {unit}"
        n /= 1024
    return ""


def _ssl_error(exc: BaseException | None) -> ssl.SSLError | None:
    for _ in range(5):  # httpcore re-raises without the cause; the TLS error sits in the context chain
        if exc is None or isinstance(exc, ssl.SSLError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "…"
