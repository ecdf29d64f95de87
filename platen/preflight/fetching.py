"""Fetching a merchant's print file: downloaded safely, typed by its magic bytes, stored by content hash.

Independent of orders: the pipeline job calls fetch_print_file(url) and records the result or the reason.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from platen.kit.safehttp import FetchFailed, SafeHttpClient, display_url

__all__ = ["PRINT_FILE_MAX_BYTES", "FetchFailed", "FetchedFile", "fetch_print_file", "sniff_type"]

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
    dest_dir = Path(dest_dir) if dest_dir is not None else settings.PLATEN.data_dir / "files"
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
    with open(download.path, "rb") as f:
        detected = sniff_type(f.read(_SNIFF_BYTES))
    if detected is None:
        download.path.unlink()
        log.info("print file not fetched", extra={"url": display_url(url), "code": "unknown_format"})
        claimed = f" (the server called it {download.content_type})" if download.content_type else ""
        raise FetchFailed(
            "unknown_format",
            f"The file at {display_url(url)} is not a {ALLOWED_FORMATS} file{claimed}. "
            f"Export the design as {ALLOWED_FORMATS} and send its URL.",
            url=url,
        )
    final = dest_dir / f"{download.sha256}.{detected}"
    if final.exists():  # same content already stored: keep one copy
        download.path.unlink()
    else:
        os.replace(download.path, final)  # atomic, so a concurrent fetch of the same bytes is harmless
    log.info("print file fetched", extra={"url": display_url(url), "sha256": download.sha256, "type": detected,
                                          "size": download.size})
    return FetchedFile(final, download.sha256, download.size, detected, download.content_type, download.final_url)


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
