"""fetch_print_file: typed by magic bytes, stored once per content, failures as merchant sentences."""

import dataclasses
import hashlib

import pytest

from platen.kit import safehttp
from platen.preflight.fetching import PRINT_FILE_MAX_BYTES, FetchFailed, fetch_print_file, sniff_type
from tests.emulators.fileserver import SAMPLES, LoopbackInternet, ScriptedDns


@pytest.mark.parametrize("name,kind,content_type", [
    ("print.pdf", "pdf", "application/pdf"), ("print.png", "png", "image/png"), ("print.jpg", "jpeg", "image/jpeg"),
    ("print.tiff", "tiff", "image/tiff"), ("print.svg", "svg", "image/svg+xml"),
])
def test_each_format_is_sniffed_and_stored_by_content_hash(files, local_client, tmp_path, name, kind, content_type):
    fetched = fetch_print_file(files.url(f"/files/{name}"), dest_dir=tmp_path, client=local_client)
    digest = hashlib.sha256(SAMPLES[kind]).hexdigest()
    assert (fetched.detected_type, fetched.sha256, fetched.size) == (kind, digest, len(SAMPLES[kind]))
    assert fetched.path == tmp_path / f"{digest}.{kind}" and fetched.path.read_bytes() == SAMPLES[kind]
    assert (fetched.content_type, fetched.final_url) == (content_type, files.url(f"/files/{name}"))


def test_the_bytes_decide_the_type_not_the_content_type(files, local_client, tmp_path):
    fetched = fetch_print_file(files.url("/files/download"), dest_dir=tmp_path, client=local_client)
    assert (fetched.detected_type, fetched.content_type) == ("pdf", "application/octet-stream")


def test_unknown_bytes_fail_naming_the_allowed_formats_and_leave_nothing(files, local_client, tmp_path):
    url = files.url("/files/not-a-png.png")
    with pytest.raises(FetchFailed) as caught:
        fetch_print_file(url, dest_dir=tmp_path, client=local_client)
    assert caught.value.code == "unknown_format"
    assert caught.value.reason == (f"The file at {url} is not a PDF, PNG, JPEG, TIFF or SVG file (the server called it "
                                   "image/png). Export the design as PDF, PNG, JPEG, TIFF or SVG and send its URL.")
    assert list(tmp_path.iterdir()) == []


def test_same_content_is_stored_once(files, local_client, tmp_path):
    first = fetch_print_file(files.url("/files/print.pdf"), dest_dir=tmp_path, client=local_client)
    second = fetch_print_file(files.url("/files/download"), dest_dir=tmp_path, client=local_client)  # same bytes
    again = fetch_print_file(files.url("/files/print.pdf"), dest_dir=tmp_path, client=local_client)
    assert first.path == second.path == again.path
    assert [p.name for p in tmp_path.iterdir()] == [first.path.name]  # no leftover partial downloads


def test_redirects_are_followed_and_the_final_url_recorded(files, local_client, tmp_path):
    fetched = fetch_print_file(files.url("/redirect/2"), dest_dir=tmp_path, client=local_client)
    assert (fetched.detected_type, fetched.final_url) == ("pdf", files.url("/files/print.pdf"))


def test_failures_are_the_safehttp_exception_with_its_sentence(files, local_client, tmp_path):
    assert FetchFailed is safehttp.FetchFailed
    with pytest.raises(FetchFailed) as caught:
        fetch_print_file(files.url("/status/410"), dest_dir=tmp_path, client=local_client)
    assert caught.value.code == "expired" and caught.value.reason.endswith("Upload the file again and send a new URL.")


def test_the_size_cap_applies(files, local_client, tmp_path):
    assert PRINT_FILE_MAX_BYTES == 512 * 1024 * 1024
    with pytest.raises(FetchFailed) as caught:
        fetch_print_file(files.url("/endless?size=300000"), max_bytes=200_000, dest_dir=tmp_path, client=local_client)
    assert caught.value.code == "too_large"
    assert list(tmp_path.iterdir()) == []


def test_defaults_store_in_the_data_folder_and_follow_the_setting(settings, files, tmp_path):
    settings.PLATEN = dataclasses.replace(settings.PLATEN, data_dir=tmp_path, fetch_allow_private=False)
    with pytest.raises(FetchFailed) as caught:
        fetch_print_file(files.url("/files/print.png"))
    assert caught.value.code == "refused_address"  # production default: no loopback
    settings.PLATEN = dataclasses.replace(settings.PLATEN, fetch_allow_private=True)
    fetched = fetch_print_file(files.url("/files/print.png"))
    assert fetched.path.parent == tmp_path / "files"


def test_fetch_under_the_production_policy(files, tmp_path):
    dns, internet = ScriptedDns({"cdn.example": [["93.184.216.34"]]}), LoopbackInternet({"93.184.216.34": files.port})
    with safehttp.SafeHttpClient(allow_private=False, resolver=dns, network=internet) as client:
        fetched = fetch_print_file("http://cdn.example/files/print.tiff", dest_dir=tmp_path, client=client)
        assert fetched.detected_type == "tiff"
        with pytest.raises(FetchFailed) as caught:
            fetch_print_file(f"http://127.0.0.1:{files.port}/files/print.tiff", dest_dir=tmp_path, client=client)
    assert caught.value.code == "refused_address"


@pytest.mark.parametrize("head,kind", [
    (b"%PDF-1.7\n", "pdf"), (b"\r\n\x00junk%PDF-1.4\n", "pdf"), (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "png"),
    (b"\xff\xd8\xff\xe0\0\x10JFIF", "jpeg"), (b"\xff\xd8\xff\xee", "jpeg"), (b"II*\x00\x08\0\0\0", "tiff"),
    (b"MM\x00*\0\0\0\x08", "tiff"), (b"II+\x00\x08\x00\x00\x00", "tiff"),
    (b'\xef\xbb\xbf<svg xmlns="http://www.w3.org/2000/svg"/>', "svg"),
    (b'<?xml version="1.0"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg>', "svg"),
    (b"", None), (b"<html><body>login</body></html>", None), (b'<?xml version="1.0"?><note/>', None),
    (b"GIF89a\x01\x00", None), (b"PK\x03\x04", None), (b"\xff\xd8", None), (b"%!PS-Adobe-3.0", None),
])
def test_sniff_type(head, kind):
    assert sniff_type(head) == kind
