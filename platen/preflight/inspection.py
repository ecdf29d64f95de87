"""Read a stored print file into facts (runs inside the sandbox's child process; no Django here)."""

from __future__ import annotations

from pathlib import Path

from platen.preflight.limits import LimitExceeded, Limits, Unreadable

INSPECTOR_VERSION = 2  # bump when the facts change meaning: cached facts of older versions are recomputed
# A PDF's facts["images"] has one row per image placement (thousands in a photo book), so rows, not objects:
IMAGE_FIELDS = ("page", "width", "height", "ppi_x", "ppi_y")


def inspect(path: Path, kind: str, limits: Limits, part: tuple[int, int] = (0, 1)) -> dict:
    """Facts about the file at path, whose format `kind` was sniffed from its bytes (a PDF: of the pages of
    `part`, see pdf.inspect_pdf). Raises Unreadable."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise LimitExceeded(f"The file is {size / 2**20:.0f} MiB; Platen checks files of up to {limits.max_file_bytes / 2**20:.0f} MiB.")
    if kind == "svg":
        return {"format": "svg"}  # never parsed: refused by the format check
    try:
        if kind == "pdf":
            from platen.preflight.pdf import inspect_pdf

            return inspect_pdf(path, limits, part)
        if kind in ("png", "jpeg", "tiff"):
            from platen.preflight.raster import inspect_raster

            return inspect_raster(path, limits)
    except Unreadable:
        raise
    except MemoryError as exc:
        raise LimitExceeded("The file needs more memory to read than Platen allows (it may be a decompression bomb).") from exc
    except RecursionError as exc:
        raise LimitExceeded("The file nests its structure too deeply to read.") from exc
    except Exception as exc:  # any parser failure on a hostile or broken file is the file's problem, said plainly
        raise Unreadable(f"The file is damaged and cannot be read ({type(exc).__name__}: {str(exc)[:160]}); export it again.") from exc
    raise Unreadable(f"Files of type {kind or 'unknown'} cannot be printed: send a PDF, PNG, JPEG or TIFF file.")
