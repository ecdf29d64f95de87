"""What a PNG, JPEG or TIFF file is: pixel size, colour mode, alpha. Read from the header; the pixels are
decoded only where that is cheap (JPEG at 1/8 scale) or streamed (PNG chunk checksums), never in full."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from platen.preflight.limits import LimitExceeded, Limits, Unreadable

_COLOUR = {"1": "Gray", "L": "Gray", "LA": "Gray", "I": "Gray", "I;16": "Gray", "F": "Gray", "P": "Indexed",
           "PA": "Indexed", "RGB": "RGB", "RGBA": "RGB", "RGBX": "RGB", "CMYK": "CMYK", "YCbCr": "RGB", "LAB": "Lab"}


def inspect_raster(path: Path, limits: Limits) -> dict:
    # Deliberate: the default (~89 MP) would refuse large wall art, and Pillow only warns between the limit
    # and twice the limit; a warning turned into an error makes the limit exact.
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                facts = _facts(image)
                _verify(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            claimed = re.search(r"\((\d+) pixels\)", str(exc))
            size = f"has {int(claimed[1]) / 1e6:,.0f} megapixels" if claimed else "is too large"
            raise LimitExceeded(f"The image {size}; Platen reads images of up to {limits.max_image_pixels / 1e6:.0f} "
                                "megapixels: export it at the product's print size and resolution.") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            reason = str(exc).replace(f" '{path}'", "").replace(str(path), "the file")  # no local paths for merchants
            raise Unreadable(f"The image cannot be read ({reason}): it may be damaged or incomplete; export it again.") from exc
    return facts


def _facts(image: Image.Image) -> dict:
    width, height = image.size
    dpi = image.info.get("dpi")
    return {
        "format": image.format.lower(),
        "width": width,
        "height": height,
        "page_count": getattr(image, "n_frames", 1),
        "colour_spaces": [("ICC " if image.info.get("icc_profile") else "") + _COLOUR.get(image.mode, image.mode)],
        "alpha": "A" in image.getbands() or "transparency" in image.info,
        "dpi": [round(float(d), 1) for d in dpi] if dpi else None,  # metadata only: print size comes from the product
    }


def _verify(image: Image.Image) -> None:
    """Catch truncated and damaged files cheaply."""
    if image.format == "JPEG":
        image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))  # DCT scaling: 1/64 of the pixels
        image.load()
    elif image.format == "PNG":
        image.verify()  # walks every chunk and its checksum without decoding pixels
    elif image.format == "TIFF":
        size = os.fstat(image.fp.fileno()).st_size
        tags = image.tag_v2  # strips (273, 279) or tiles (324, 325): offsets and byte counts of the pixel data
        offsets, counts = tags.get(273) or tags.get(324) or (), tags.get(279) or tags.get(325) or ()
        if any(offset + count > size for offset, count in zip(offsets, counts, strict=False)):
            raise OSError(f"its pixel data ends after the file's {size} bytes")
