"""Signed, expiring links to what Platen stores for a print file: the fetched copy (the order API's
`processedFileUrl`) and its preview. Served by Platen itself, never the merchant's original URL; the link is
the permission (like a pre-signed storage URL), so it can go into an <img> or a client's download step.
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_safe

from platen.kit.downloads import CONTENT_TYPES, file_response
from platen.preflight.preview import preview_path

DAY = 24 * 3600
LINK_DAYS = 7  # a link is valid for 7 to 8 days: it expires at a day boundary, so reading an order twice gives equal links
_NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})\.(?P<kind>pdf|png|jpeg|tiff|svg)$")
_signer = signing.Signer(salt="platen.preflight.downloads")


def file_link(sha256: str, kind: str, *, absolute: bool = True) -> str | None:
    """The link to the stored file of that content (a file has its hash once it is stored), or None before."""
    if not sha256 or kind not in CONTENT_TYPES:
        return None
    return _link("file", f"{sha256}.{kind}", absolute)


def preview_link(sha256: str, *, absolute: bool = True) -> str | None:
    if not sha256 or not preview_path(sha256).exists():
        return None
    return _link("preview", f"{sha256}.png", absolute)


def _link(what: str, name: str, absolute: bool) -> str:
    path = signed_path(what, name, expires=(int(time.time()) // DAY + LINK_DAYS + 1) * DAY)
    return settings.PLATEN.base_url + path if absolute else path


def signed_path(what: str, name: str, expires: int) -> str:
    """The path of a link to a stored `what` ("file" or "preview") that works until `expires` (Unix time)."""
    signature = _signer.signature(f"{what}:{name}:{expires}")
    return reverse(f"stored_{what}", args=[name]) + f"?expires={expires}&signature={signature}"


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
    return file_response(settings.PLATEN.data_dir / "files" / name, name, match["kind"], inline=True)


@require_safe
def stored_preview(request, name: str):
    match = _verified(request, "preview", name)
    if match["kind"] != "png":
        raise Http404
    return file_response(preview_path(match["sha"]), name, "png", inline=True)
