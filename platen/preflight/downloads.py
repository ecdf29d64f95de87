"""Signed, expiring links to what Platen stores for a print file: the fetched copy (the order API's
`processedFileUrl`) and its preview. Served by Platen itself, never the merchant's original URL; the link is
the permission (like a pre-signed storage URL), so it can go into an <img> or a client's download step.
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_safe

from platen.preflight.preview import preview_path

DAY = 24 * 3600
LINK_DAYS = 7  # a link is valid for 7 to 8 days: it expires at a day boundary, so reading an order twice gives equal links
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "tiff": "image/tiff",
                 "svg": "image/svg+xml"}
_NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})\.(?P<kind>pdf|png|jpeg|tiff|svg)$")
_signer = signing.Signer(salt="platen.preflight.downloads")


def file_link(sha256: str, kind: str, *, absolute: bool = True) -> str | None:
    """The link to the stored file of that content, or None when nothing is stored (yet)."""
    if not sha256 or kind not in CONTENT_TYPES or not (settings.PLATEN.data_dir / "files" / f"{sha256}.{kind}").exists():
        return None
    return _link("file", f"{sha256}.{kind}", absolute)


def preview_link(sha256: str, *, absolute: bool = True) -> str | None:
    if not sha256 or not preview_path(sha256).exists():
        return None
    return _link("preview", f"{sha256}.png", absolute)


def _link(what: str, name: str, absolute: bool) -> str:
    expires = (int(time.time()) // DAY + LINK_DAYS + 1) * DAY
    signature = _signer.signature(f"{what}:{name}:{expires}")
    path = reverse(f"stored_{what}", args=[name]) + f"?expires={expires}&signature={signature}"
    return settings.PLATEN.base_url + path if absolute else path


def _verified(request, what: str, name: str):
    match = _NAME.match(name)
    expires = request.GET.get("expires", "")
    expected = _signer.signature(f"{what}:{name}:{expires}")
    if (match is None or not expires.isdigit() or int(expires) < time.time()
            or not signing.constant_time_compare(expected, request.GET.get("signature", ""))):
        raise Http404  # an expired, altered or made-up link: nothing to tell apart
    return match


@require_safe
def stored_file(request, name: str):
    match = _verified(request, "file", name)
    return _send(settings.PLATEN.data_dir / "files" / name, CONTENT_TYPES[match["kind"]], name)


@require_safe
def stored_preview(request, name: str):
    match = _verified(request, "preview", name)
    if match["kind"] != "png":
        raise Http404
    return _send(preview_path(match["sha"]), "image/png", name)


def _send(path, content_type: str, name: str) -> FileResponse:
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=content_type == "image/svg+xml",
                            filename=name)
    # A merchant's file is never a page of Platen's: no scripts, no sniffing, not framed as Platen.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
