"""Stored print files and previews sent back (the API, the dashboard and signed links)."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, Http404

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "tiff": "image/tiff",
                 "svg": "image/svg+xml"}
# A merchant's file is never a page of Platen's: no scripts, no sniffing, not framed as Platen.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def file_response(path: Path, filename: str, kind: str, *, inline: bool = False) -> FileResponse:
    """The file as a download, or shown in place when `inline` (never an SVG, which could carry script);
    404 when it is gone."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=not inline or kind == "svg", filename=filename or path.name,
                            content_type=CONTENT_TYPES.get(kind, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    return response
