"""A small PNG preview of a stored print file (its first page), for the API's `previews` and the dashboard.

Drawn inside the sandbox's limited child (sandbox.render_preview): PDFs with PDFium (pypdfium2, Apache-2.0/
BSD), rasters with Pillow. Stored by the print file's content hash beside the fetched files, so a file used
by many items (or sent again) is drawn once. A file that cannot be drawn simply has no preview.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import warnings
from pathlib import Path

from django.conf import settings

from platen.preflight.limits import LimitExceeded, Limits, Unreadable

PREVIEW_PX = 300  # the longer side
PREVIEWABLE = ("pdf", "png", "jpeg", "tiff")

log = logging.getLogger("platen.preflight.preview")


def preview_path(sha256: str) -> Path:
    return settings.PLATEN.data_dir / "previews" / f"{sha256}.png"


def ensure_preview(path: Path, sha256: str, kind: str, limits: Limits) -> Path | None:
    """The preview of the stored file, drawn now unless it exists; None when the file cannot be drawn."""
    target = preview_path(sha256)
    if target.exists():
        return target
    if kind not in PREVIEWABLE:
        return None
    from platen.preflight import sandbox  # here: sandbox imports this module's render for its children

    try:
        png = sandbox.render_preview(path, kind, limits)
    except Unreadable as exc:
        log.info("no preview", extra={"sha256": sha256, "reason": exc.reason})
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as tmp:
        tmp.write(png)
    os.replace(tmp.name, target)  # atomic: a concurrent drawing of the same content is harmless
    return target


def render(path: Path, kind: str, limits: Limits, size: int = PREVIEW_PX) -> bytes:
    """PNG bytes of the first page, at most `size` pixels on its longer side (runs in the sandbox child)."""
    try:
        image = _pdf_page(path, size) if kind == "pdf" else _raster(path, size, limits)
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return out.getvalue()
    except Unreadable:
        raise
    except MemoryError as exc:
        raise LimitExceeded("Drawing the preview needs more memory than Platen allows.") from exc
    except Exception as exc:  # a file the checks could read may still defeat the renderer: no preview then
        raise Unreadable(f"No preview could be drawn ({type(exc).__name__}).") from exc


def _raster(path: Path, size: int, limits: Limits):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as source:
            source.draft("RGB", (size, size))  # JPEG: decode at a fraction of the size
            source.thumbnail((size, size))
            return source.convert("RGBA" if _has_alpha(source) else "RGB")


def _pdf_page(path: Path, size: int):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if len(pdf) == 0:
            raise Unreadable("The PDF has no pages to preview.")
        page = pdf[0]
        width, height = page.get_size()
        scale = size / max(width, height, 1)
        return page.render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
    finally:
        pdf.close()


def _has_alpha(image) -> bool:
    return "A" in image.getbands() or "transparency" in image.info
