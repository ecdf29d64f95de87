"""Fetching a merchant's print file: downloaded safely, typed by its magic bytes, stored by content hash.

Independent of orders: the pipeline job calls fetch_print_file(url) and records the result or the reason.
A file uploaded to Platen goes into the same store through store_upload, with the same cap and sniffing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from platen.kit.safehttp import FetchFailed, SafeHttpClient, display_url

__all__ = ["PRINT_FILE_MAX_BYTES", "FetchFailed", "FetchedFile", "fetch_print_file", "sniff_type", "store_upload",
           "stored_file"]

PRINT_FILE_MAX_BYTES = 512 * 1024 * 1024
ALLOWED_FORMATS = "PDF, PNG, JPEG, TIFF or SVG"
_SNIFF_BYTES = 4096

log = logging.getLogger("platen.preflight.fetching")


@dataclass(frozen=True)
class FetchedFile:
    path: Path  # <data>/files/<sha256>.<detected_type>
    sha256: str
    size: int
    detected_type: str  # pdf, png, jpeg, tiff or svg, from the bytes themselves
    content_type: str  # what the server claimed; recorded, never trusted
    final_url: str  # after redirects


def fetch_print_file(
    url: str,
    *,
    max_bytes: int = PRINT_FILE_MAX_BYTES,
    dest_dir: Path | None = None,
    client: SafeHttpClient | None = None,
) -> FetchedFile:
    """Download, sniff and store the file at url. Raises FetchFailed with a merchant-readable reason."""
    dest_dir = Path(dest_dir) if dest_dir is not None else _store_dir()
    own_client = client is None
    client = client or SafeHttpClient()
    try:
        download = client.get_file(url, max_bytes=max_bytes, dest_dir=dest_dir)
    except FetchFailed as exc:
        log.info("print file not fetched", extra={"url": display_url(url), "code": exc.code})
        raise
    finally:
        if own_client:
            client.close()
    fetched = _keep(download.path, download.sha256, download.size, download.content_type, download.final_url)
    if fetched is None:
        log.info("print file not fetched", extra={"url": display_url(url), "code": "unknown_format"})
        claimed = f" (the server called it {download.content_type})" if download.content_type else ""
        raise FetchFailed(
            "unknown_format",
            f"The file at {display_url(url)} is not a {ALLOWED_FORMATS} file{claimed}. "
            f"Export the design as {ALLOWED_FORMATS} and send its URL.",
            url=url,
        )
    log.info("print file fetched", extra={"url": display_url(url), "sha256": fetched.sha256, "type": fetched.detected_type,
                                          "size": fetched.size})
    return fetched


def store_upload(chunks: Iterable[bytes], *, name: str, max_bytes: int = PRINT_FILE_MAX_BYTES,
                 dest_dir: Path | None = None) -> FetchedFile:
    """Store an uploaded file exactly like a fetched one (same cap, sniffing and content-addressed place).
    Raises FetchFailed with a merchant-readable reason (too_large, empty, unknown_format)."""
    dest_dir = Path(dest_dir) if dest_dir is not None else _store_dir()
    dest_dir.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=dest_dir, prefix=".upload-")
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise FetchFailed("too_large", f"The file {name} is larger than the {max_bytes // (1024 * 1024)} MB "
                                      "a print file may have. Export it smaller (for example, compress its images).")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise FetchFailed("empty", f"The file {name} is empty. Choose the design file again.")
    except Exception:  # refused, or the upload broke off: no partial file stays behind
        Path(temp).unlink(missing_ok=True)
        raise
    stored = _keep(Path(temp), digest.hexdigest(), size, "", "")
    if stored is None:
        raise FetchFailed("unknown_format", f"The file {name} is not a {ALLOWED_FORMATS} file. "
                          f"Export the design as {ALLOWED_FORMATS} and upload it again.")
    log.info("print file uploaded", extra={"sha256": stored.sha256, "type": stored.detected_type, "size": size})
    return stored


def stored_file(sha256: str, detected_type: str, *, dest_dir: Path | None = None) -> FetchedFile:
    """A file already in the store (an upload), as fetch_print_file would have returned it."""
    dest_dir = Path(dest_dir) if dest_dir is not None else _store_dir()
    path = dest_dir / f"{sha256}.{detected_type}"
    if not path.is_file():
        raise FetchFailed("not_stored", "The uploaded print file is no longer stored at Platen. Upload it again.")
    return FetchedFile(path, sha256, path.stat().st_size, detected_type, "", "")


def _store_dir() -> Path:
    return settings.PLATEN.data_dir / "files"


def _keep(temp: Path, sha256: str, size: int, content_type: str, final_url: str) -> FetchedFile | None:
    """Type the downloaded or uploaded bytes at `temp` by their magic bytes and move them to their place in the
    store; None (and the bytes removed) when they are no print format."""
    with open(temp, "rb") as f:
        detected = sniff_type(f.read(_SNIFF_BYTES))
    if detected is None:
        temp.unlink()
        return None
    final = temp.parent / f"{sha256}.{detected}"
    if final.exists():  # same content already stored: keep one copy
        temp.unlink()
    else:
        os.replace(temp, final)  # atomic, so a concurrent fetch of the same bytes is harmless
    return FetchedFile(final, sha256, size, detected, content_type, final_url)


def sniff_type(head: bytes) -> str | None:
    """The print format these first bytes belong to, or None. Content-Type headers are often wrong."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):  # classic and BigTIFF, both byte orders
        return "tiff"
    if b"%PDF-" in head[:1024]:  # readers accept junk before the header within the first 1 KiB
        return "pdf"
    if _is_svg(head):
        return "svg"
    return None


def _is_svg(head: bytes) -> bool:
    # Text sniffing only: an XML parser here would invite entity expansion attacks.
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n").lower()
    if not text.startswith(("<?xml", "<!--", "<!doctype svg", "<svg")):
        return False
    return "<svg" in text
