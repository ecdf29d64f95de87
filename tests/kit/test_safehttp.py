"""The SSRF-safe client against a real file server on loopback.

Refusals are proven without a packet leaving: connections go through LoopbackInternet, which fails the
test if asked for any address but the one public IP it routes to the file server.
"""

import json
import socket
import ssl
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import httpx
import pytest

from platen.kit.safehttp import (
    USER_AGENT,
    FetchFailed,
    SafeHttpClient,
    Timeouts,
    address_refusal,
    check_destination,
    display_url,
    post_json,
    signed_url_expiry,
    system_resolver,
)
from tests.emulators.fileserver import SAMPLES, LoopbackInternet, ScriptedDns, serve_files
from tests.kit.conftest import PUBLIC_IP

HOST = "http://files.example"


def fetch(client, url, tmp_path, max_bytes=10_000_000):
    return client.get_file(url, max_bytes=max_bytes, dest_dir=tmp_path)


def failure(client, url, tmp_path, **kw) -> FetchFailed:
    with pytest.raises(FetchFailed) as caught:
        fetch(client, url, tmp_path, **kw)
    return caught.value


# --- Address policy ---------------------------------------------------------------------------------

REFUSED = [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "100.127.255.254", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.0.1",
    "192.0.2.1", "198.18.0.1", "198.51.100.1", "203.0.113.1", "192.88.99.1",
    "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1", "ff02::1", "fec0::1", "100::1",
    "2001:db8::1", "2001::1", "2002:a00:1::1", "64:ff9b::a00:1", "64:ff9b:1::a00:1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:8.8.8.8", "::ffff:0:a00:1", "::a00:1",
]


@pytest.mark.parametrize("ip", REFUSED)
def test_special_addresses_are_refused(ip):
    assert address_refusal(ip, allow_private=False)


@pytest.mark.parametrize("ip", ["8.8.8.8", PUBLIC_IP, "2606:4700:4700::1111", "2a00:1450:4001::200e"])
def test_public_addresses_are_allowed(ip):
    assert address_refusal(ip, allow_private=False) is None


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "::1", "fd00::1"])
def test_allow_private_opens_loopback_and_private_networks(ip):
    assert address_refusal(ip, allow_private=True) is None


@pytest.mark.parametrize("ip", ["169.254.169.254", "fe80::1", "100.64.0.1", "224.0.0.1", "0.0.0.0", "::ffff:127.0.0.1"])
def test_allow_private_still_refuses_metadata_multicast_and_mapped(ip):
    assert address_refusal(ip, allow_private=True)


# --- Refused before connecting ----------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1/file.pdf", "http://10.0.0.1/file.pdf", "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/", "http://0.0.0.0:8000/", "http://[::1]/file.pdf", "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", "https://192.168.0.1/file.pdf",
])
def test_address_literals_are_refused_without_connecting(client, internet, tmp_path, url):
    error = failure(client, url, tmp_path)
    assert error.code == "refused_address"
    assert "Platen never connects there. Use a publicly reachable address." in error.reason
    assert internet.connects == []


def test_host_name_pointing_inside_is_refused_and_named(internet, tmp_path):
    dns = ScriptedDns({"intranet.example": [["10.1.2.3"]]})
    with SafeHttpClient(allow_private=False, resolver=dns, network=internet) as client:
        error = failure(client, "http://intranet.example/file.pdf", tmp_path)
    assert error.code == "refused_address"
    assert "intranet.example points to 10.1.2.3, which is a private network address" in error.reason
    assert internet.connects == []


def test_any_inside_answer_among_public_ones_refuses_the_host(internet, tmp_path):
    dns = ScriptedDns({"mixed.example": [[PUBLIC_IP, "169.254.169.254"]]})
    with SafeHttpClient(allow_private=False, resolver=dns, network=internet) as client:
        assert failure(client, "http://mixed.example/files/print.pdf", tmp_path).code == "refused_address"
    assert internet.connects == []


@pytest.mark.parametrize("url", ["http://localhost/file.pdf", "http://2130706433/file.pdf", "http://0x7f.1/file.pdf"])
def test_names_the_system_resolves_to_loopback_are_refused(internet, tmp_path, url):
    with SafeHttpClient(allow_private=False, network=internet) as client:  # the operating system's resolver
        assert failure(client, url, tmp_path).code == "refused_address"
    assert internet.connects == []


@pytest.mark.parametrize("url,code", [
    ("file:///etc/passwd", "bad_scheme"), ("ftp://files.example/a.pdf", "bad_scheme"),
    ("gopher://files.example:70/", "bad_scheme"), ("javascript:alert(1)", "bad_scheme"),
    ("data:application/pdf;base64,JVBERi0=", "bad_scheme"), ("files.example/a.pdf", "bad_url"),
    ("http://", "bad_url"), ("", "bad_url"),
])
def test_only_http_and_https_urls(client, internet, tmp_path, url, code):
    error = failure(client, url, tmp_path)
    assert error.code == code
    assert "http:// or https:// URL" in error.reason
    assert internet.connects == []


def test_unknown_host_is_unreachable(client, tmp_path):
    error = failure(client, "http://nowhere.example/a.pdf", tmp_path)
    assert (error.code, error.transient) == ("unreachable", True)
    assert "the host name nowhere.example could not be found" in error.reason


# --- Fetching through the production policy ---------------------------------------------------------

def test_file_is_fetched_from_a_public_host_by_its_checked_ip(client, dns, internet, files, tmp_path):
    download = fetch(client, f"{HOST}/files/print.pdf", tmp_path)
    assert download.path.read_bytes() == SAMPLES["pdf"]
    assert (download.size, download.content_type, download.final_url) == (len(SAMPLES["pdf"]), "application/pdf",
                                                                           f"{HOST}/files/print.pdf")
    assert internet.connects == [PUBLIC_IP] and dns.lookups == ["files.example"]


def test_request_headers_name_platen_and_host_and_ask_for_no_compression(client, tmp_path):
    sent = json.loads(fetch(client, f"{HOST}/headers", tmp_path).path.read_bytes())
    assert sent["User-Agent"] == USER_AGENT == "Platen/0.1 (+print file fetcher)"
    assert (sent["Host"], sent["Accept-Encoding"]) == ("files.example", "identity")


def test_redirect_chain_is_followed(client, files, tmp_path):
    download = fetch(client, f"{HOST}/redirect/4", tmp_path)  # 5 redirects: the most allowed
    assert download.final_url == f"{HOST}/files/print.pdf"
    assert files.hits == ["/redirect/4", "/redirect/3", "/redirect/2", "/redirect/1", "/redirect/0", "/files/print.pdf"]


def test_too_many_redirects(client, files, tmp_path):
    error = failure(client, f"{HOST}/redirect/5", tmp_path)
    assert error.code == "too_many_redirects"
    assert "redirected more than 5 times. Send the file's direct URL." in error.reason
    assert "/files/print.pdf" not in files.hits


@pytest.mark.parametrize("target", [
    "http://127.0.0.1/x.pdf", "http://10.0.0.1/x.pdf", "http://169.254.169.254/latest/meta-data/iam/",
    "http://[::1]/x.pdf", "http://100.64.0.1/", "http://[::ffff:10.0.0.1]/", "http://localhost:8000/",
])
def test_redirect_to_inside_is_refused_before_connecting(client, internet, tmp_path, target):
    error = failure(client, f"{HOST}/to?location={quote(target, safe='')}", tmp_path)
    assert error.code == "refused_address"
    assert internet.connects == [PUBLIC_IP]  # the first hop only


def test_redirect_to_inside_on_a_later_hop_is_refused(client, internet, files, tmp_path):
    second_hop = "/to?location=" + quote("http://169.254.169.254/latest/meta-data/", safe="")
    error = failure(client, f"{HOST}/to?location={quote(second_hop, safe='')}", tmp_path)
    assert error.code == "refused_address"
    assert len(files.hits) == 2 and set(internet.connects) == {PUBLIC_IP}


def test_redirect_to_another_scheme_is_refused(client, tmp_path):
    error = failure(client, f"{HOST}/to?location={quote('file:///etc/passwd', safe='')}", tmp_path)
    assert error.code == "bad_scheme"


def test_cookies_are_never_sent_back(client, tmp_path):
    sent = json.loads(fetch(client, f"{HOST}/cookie", tmp_path).path.read_bytes())  # Set-Cookie, then /headers
    assert "Cookie" not in sent


def test_rebinding_the_first_answer_is_the_one_connected_to(internet, tmp_path):
    # A rebinding host answers public to the check and private to a second lookup: there is no second lookup.
    dns = ScriptedDns({"rebind.example": [[PUBLIC_IP], ["127.0.0.1"]]})
    with SafeHttpClient(allow_private=False, resolver=dns, network=internet) as client:
        download = fetch(client, "http://rebind.example/files/print.png", tmp_path)
    assert download.path.read_bytes() == SAMPLES["png"]
    assert dns.lookups == ["rebind.example"] and internet.connects == [PUBLIC_IP]


def test_rebinding_between_redirect_hops_is_refused_at_connect(internet, files, tmp_path):
    dns = ScriptedDns({"rebind.example": [[PUBLIC_IP], ["127.0.0.1"]]})
    with SafeHttpClient(allow_private=False, resolver=dns, network=internet) as client:
        error = failure(client, "http://rebind.example/redirect/0", tmp_path)  # same host, a new connection
    assert error.code == "refused_address"
    assert "rebind.example points to 127.0.0.1, which is a loopback address" in error.reason
    assert dns.lookups == ["rebind.example", "rebind.example"] and internet.connects == [PUBLIC_IP]
    assert files.hits == ["/redirect/0"]


def test_https_connects_to_the_checked_ip_and_verifies_the_host_name(make_cert, tmp_path):
    cert, key = make_cert("files.example")
    with serve_files(tls=(cert, key)) as tls_files:
        internet = LoopbackInternet({PUBLIC_IP: tls_files.port})
        trusting = ssl.create_default_context(cafile=str(cert))
        dns = ScriptedDns({"files.example": [[PUBLIC_IP]], "other.example": [[PUBLIC_IP]]})
        with SafeHttpClient(allow_private=False, resolver=dns, network=internet, ssl_context=trusting) as client:
            sent = json.loads(fetch(client, "https://files.example/headers", tmp_path).path.read_bytes())
            mismatch = failure(client, "https://other.example/headers", tmp_path)
    assert sent["Host"] == "files.example"
    assert mismatch.code == "unreachable"
    assert "a secure connection to other.example could not be made" in mismatch.reason
    assert mismatch.reason.endswith("The server needs a valid certificate for this name.")


# --- Answers that mean the link is bad --------------------------------------------------------------

def test_404_is_not_found(client, tmp_path):
    error = failure(client, f"{HOST}/status/404", tmp_path)
    assert (error.code, error.status, error.transient) == ("not_found", 404, False)
    assert error.reason == (f"The file at {HOST}/status/404 could not be downloaded: the server answered 404 Not Found. "
                            "Check the URL, or upload the file again and send a new URL.")


def test_410_is_expired(client, tmp_path):
    error = failure(client, f"{HOST}/status/410", tmp_path)
    assert error.code == "expired"
    assert error.reason == (f"The file at {HOST}/status/410 could not be downloaded: the server answered 410 Gone, "
                            "so the link has probably expired. Upload the file again and send a new URL.")


def test_403_on_a_signed_link_is_expired_and_the_signature_stays_out_of_the_message(client, tmp_path):
    soon = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    url = f"{HOST}/signed/print.pdf?X-Amz-Date={soon}&X-Amz-Expires=3600&X-Amz-Signature=s3cr3t"
    error = failure(client, url, tmp_path)
    assert error.code == "expired" and "403 Forbidden, so the link has probably expired" in error.reason
    assert "s3cr3t" not in error.reason and f"{HOST}/signed/print.pdf?…" in error.reason


def test_403_on_a_plain_link_asks_for_access(client, tmp_path):
    error = failure(client, f"{HOST}/status/403", tmp_path)
    assert error.code == "forbidden" and "Make the file publicly readable or send a signed link." in error.reason


@pytest.mark.parametrize("query,valid_for", [
    ("X-Amz-Date={amz}&X-Amz-Expires=600&X-Amz-Signature=abc", 600),  # S3 SigV4
    ("X-Goog-Date={amz}&X-Goog-Expires=600&X-Goog-Signature=abc", 600),  # Google Cloud Storage V4
    ("Expires={unix}&Signature=abc&Key-Pair-Id=K", 0),  # CloudFront, S3 SigV2
    ("se={iso}&sig=abc", 0),  # Azure SAS
])
def test_past_expiry_in_a_signed_link_fails_without_asking_the_server(client, files, tmp_path, query, valid_for):
    signed = (datetime.now(UTC) - timedelta(hours=2)).replace(second=0, microsecond=0)
    url = f"{HOST}/files/print.pdf?" + query.format(amz=signed.strftime("%Y%m%dT%H%M%SZ"), unix=int(signed.timestamp()),
                                                   iso=quote(signed.strftime("%Y-%m-%dT%H:%M:%SZ")))
    error = failure(client, url, tmp_path)
    assert error.code == "expired"
    assert f"the signed link expired at {signed + timedelta(seconds=valid_for):%Y-%m-%d %H:%M} UTC. " in error.reason
    assert files.hits == []


def test_signed_url_expiry_reads_the_common_styles():
    assert signed_url_expiry(httpx.URL("https://b.s3.amazonaws.com/k?X-Amz-Date=20250101T000000Z&X-Amz-Expires=3600")) \
        == datetime(2025, 1, 1, 1, tzinfo=UTC)
    assert signed_url_expiry(httpx.URL("https://d.cloudfront.net/k?Expires=1735689600")) == datetime(2025, 1, 1, tzinfo=UTC)
    assert signed_url_expiry(httpx.URL("https://example.com/k?page=2")) is None
    assert signed_url_expiry(httpx.URL("https://example.com/k?X-Amz-Date=garbage&X-Amz-Expires=1")) is None


def test_server_error_is_transient(client, tmp_path):
    error = failure(client, f"{HOST}/status/503", tmp_path)
    assert (error.code, error.status, error.transient) == ("http_error", 503, True)
    assert "503 Service Unavailable" in error.reason


def test_refused_connection_is_unreachable(local_client, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the fetch: nobody listens there
    error = failure(local_client, f"http://127.0.0.1:{port}/a.pdf", tmp_path)
    assert error.code == "unreachable" and "could not be reached" in error.reason


# --- Slow and big answers ---------------------------------------------------------------------------

def slow_client(dns, internet, **timeouts):
    return SafeHttpClient(allow_private=False, resolver=dns, network=internet, timeouts=Timeouts(**timeouts))


def test_silence_longer_than_the_read_timeout(dns, internet, tmp_path):
    started = time.monotonic()
    with slow_client(dns, internet, connect=1, read=0.2, total=5) as client:
        error = failure(client, f"{HOST}/slow?chunks=3&pause=3", tmp_path)
    assert error.code == "timeout" and error.transient
    assert time.monotonic() - started < 1.5
    assert list(tmp_path.iterdir()) == []  # the partial download is gone


def test_a_trickle_that_beats_the_read_timeout_still_meets_the_deadline(dns, internet, tmp_path):
    started = time.monotonic()
    with slow_client(dns, internet, connect=1, read=1, total=0.5) as client:
        error = failure(client, f"{HOST}/slow?chunks=100&pause=0.05", tmp_path)
    assert error.code == "timeout" and "within 0.5 seconds" in error.reason
    assert time.monotonic() - started < 1.5


def test_headers_without_the_promised_body_time_out(dns, internet, tmp_path):
    with slow_client(dns, internet, connect=1, read=0.2, total=5) as client:
        assert failure(client, f"{HOST}/stall?declared=10", tmp_path).code == "timeout"


def test_declared_size_over_the_cap_aborts_before_the_body(client, tmp_path):
    started = time.monotonic()
    error = failure(client, f"{HOST}/stall?declared=600000000", tmp_path, max_bytes=1000)
    assert error.code == "too_large" and "larger than the 1000 bytes limit" in error.reason
    assert time.monotonic() - started < 1  # did not wait for the body the server never sends


def test_body_without_length_is_cut_at_the_cap(client, tmp_path):
    error = failure(client, f"{HOST}/endless?size=5000000", tmp_path, max_bytes=100_000)
    assert error.code == "too_large" and "97.7 KiB" in error.reason
    assert list(tmp_path.iterdir()) == []


def test_body_of_exactly_the_cap_is_accepted(client, tmp_path):
    assert fetch(client, f"{HOST}/endless?size=100000", tmp_path, max_bytes=100_000).size == 100_000


def test_a_short_content_length_cannot_smuggle_more_than_it_declares(client, tmp_path):
    download = fetch(client, f"{HOST}/lying?declared=500&actual=5000000", tmp_path, max_bytes=1000)
    assert download.size == 500 == download.path.stat().st_size


def test_a_long_content_length_with_a_short_body_is_incomplete(client, tmp_path):
    error = failure(client, f"{HOST}/lying?declared=5000&actual=100", tmp_path)
    assert (error.code, error.transient) == ("incomplete", True)


# --- Allowing loopback for tests and demos ----------------------------------------------------------

def test_allow_private_fetches_from_loopback(local_client, files, tmp_path):
    assert fetch(local_client, files.url("/files/print.jpg"), tmp_path).path.read_bytes() == SAMPLES["jpeg"]
    assert fetch(local_client, f"http://localhost:{files.port}/files/print.tiff", tmp_path).size == len(SAMPLES["tiff"])


def test_allow_private_defaults_to_the_setting(settings, files, tmp_path):
    import dataclasses

    assert SafeHttpClient().allow_private is False
    assert failure(SafeHttpClient(), files.url("/files/print.pdf"), tmp_path).code == "refused_address"
    settings.PLATEN = dataclasses.replace(settings.PLATEN, fetch_allow_private=True)
    assert fetch(SafeHttpClient(), files.url("/files/print.pdf"), tmp_path).size == len(SAMPLES["pdf"])


# --- Postbacks --------------------------------------------------------------------------------------

def test_post_json_sends_the_body_and_reports_the_answer(client):
    result = client.post_json(f"{HOST}/echo", {"event": "order.shipped", "id": 7}, headers={"Webhook-Id": "msg_1"})
    echoed = json.loads(result.body_excerpt)
    assert result.ok and result.status == 200 and result.headers["content-type"] == "application/json"
    assert echoed["body"] == '{"event":"order.shipped","id":7}'
    assert echoed["headers"]["Webhook-Id"] == "msg_1" and echoed["headers"]["Content-Type"] == "application/json"
    assert "Cookie" not in echoed["headers"] and result.duration_ms >= 0


def test_post_json_sends_signed_bytes_unchanged(client):
    signed = b'{"b": 1,  "a": 2}'
    assert json.loads(client.post_json(f"{HOST}/echo", signed).body_excerpt)["body"] == signed.decode()


@pytest.mark.parametrize("status", [400, 410, 500, 503])
def test_post_json_returns_error_answers_instead_of_raising(client, status):
    result = client.post_json(f"{HOST}/status/{status}", {})
    assert (result.status, result.ok) == (status, False) and "receiver says no" in result.body_excerpt


def test_post_json_does_not_follow_redirects(client, files):
    assert client.post_json(f"{HOST}/status/307", {}).status == 307
    assert files.hits == ["/status/307"]


def test_post_json_keeps_only_an_excerpt_of_a_long_answer(client):
    assert len(client.post_json(f"{HOST}/chatty", {}).body_excerpt) == 2048


def test_post_json_to_inside_is_refused(internet):
    with pytest.raises(FetchFailed) as caught:
        post_json("http://169.254.169.254/latest/api/token", {}, allow_private=True, network=internet)
    assert caught.value.code == "refused_address"
    assert caught.value.reason.startswith("The request to http://169.254.169.254/latest/api/token could not be completed: ")
    assert internet.connects == []


# --- Checking a URL stored for later (postback endpoints) ------------------------------------------

@pytest.mark.parametrize("url", ["http://127.1/hook", "http://0x7f000001/", "http://2130706433/", "http://[::ffff:127.0.0.1]/",
                                 "http://[::ffff:7f00:1]/", "http://localhost:8080/", "http://169.254.169.254/latest",
                                 "http://mixed.example/", "http://metadata.example/"])
def test_check_destination_refuses_what_sending_would_refuse(url, internet):
    scripted = ScriptedDns({"mixed.example": [[PUBLIC_IP, "10.0.0.7"]], "metadata.example": [["169.254.169.254"]]})

    def dns(host, port):  # the script for the test's names, the operating system for the rest (localhost, 127.1, ...)
        return scripted(host, port) if host in scripted.script else system_resolver(host, port)

    with pytest.raises(FetchFailed) as caught:
        check_destination(url, allow_private=False, resolver=dns)
    assert caught.value.code == "refused_address" and "never connects there" in caught.value.reason
    with SafeHttpClient(allow_private=False, resolver=dns, network=internet) as client:  # the same verdict when sending
        with pytest.raises(FetchFailed) as sent:
            client.post_json(url, {})
    assert sent.value.code == "refused_address" and internet.connects == []


def test_check_destination_passes_public_and_unresolvable_names_and_follows_allow_private():
    dns = ScriptedDns({"hooks.example": [[PUBLIC_IP]]})
    check_destination("https://hooks.example/platen", allow_private=False, resolver=dns)
    check_destination("https://not-yet-deployed.invalid/", allow_private=False, resolver=dns)  # sending reports it later
    check_destination("http://127.1:9/hook", allow_private=True)
    with pytest.raises(FetchFailed, match="link-local"):
        check_destination("http://169.254.169.254/", allow_private=True)
    for url, code in [("ftp://hooks.example/", "bad_scheme"), ("http://0177.0.0.1/", "bad_url"), ("hooks", "bad_url")]:
        with pytest.raises(FetchFailed) as caught:
            check_destination(url, allow_private=False, resolver=dns)
        assert caught.value.code == code, url


def test_display_url_drops_credentials_and_query():
    assert display_url("https://user:pw@files.example:8443/a/b.pdf?sig=x") == "https://files.example:8443/a/b.pdf?…"
    assert display_url("http://[::1]/a") == "http://[::1]/a"
