"""Stored print files sent back as downloads (API and dashboard)."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "tiff": "image/tiff",
                 "svg": "image/svg+xml"}


def file_download(path: Path, filename: str, kind: str) -> FileResponse:
    """Always an attachment, never rendered in place: an uploaded SVG could carry script."""
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename or path.name,
                            content_type=CONTENT_TYPES.get(kind, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
