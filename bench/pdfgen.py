"""Benchmark print files for bench/preflight.py: photo-book PDFs of N pages and large rasters, deterministic.

A book page is 206 x 206 mm trimmed with 3 mm bleed (MediaBox = BleedBox, TrimBox inside), and carries:

- one or two distinct image XObjects of its own (64..400 px, Flate; DeviceRGB, some DeviceCMYK and DeviceGray),
  placed with `cm` at sizes chosen so that the effective ppi varies from 72 to 400 (many below 300), some
  stretched (x and y ppi differ), inside nested q/Q;
- a caption in DejaVu Sans, an embedded TrueType font (the real font program from
  /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf as /FontFile2, one object shared by every page);
- on every fifth page a line in non-embedded standard Helvetica;
- a footer Form XObject shared by all pages (/Matrix scales it by 0.5): a logo image and a line of DejaVu text;
  odd pages place the form scaled by a further 0.8, so the logo's ppi differs between odd and even pages.

Every font put in a page's resources is drawn on that page, no inline images, no soft masks: what poppler's
`pdffonts` and `pdfimages -list` report is then exactly what a check of used fonts and drawn images should find.
The ppi values are chosen with a fractional part of .2 to .3 so that no rounding rule can flip them.

    from bench.pdfgen import book_pdf, big_png, big_jpeg
    path = book_pdf(Path("cache"), 100)   # generated once, reused afterwards
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pikepdf

VERSION = 1  # part of the file names: bump when the generated content changes
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
MM = 72 / 25.4
TRIM, BLEED = 206 * MM, 3 * MM
SIDE = TRIM + 2 * BLEED
# Effective ppi of the page images: (x, y); equal pairs mostly, some stretched. None is within 0.2 of a .5.
PPI = [(72.2, 72.2), (96.3, 96.3), (150.2, 150.2), (180.3, 180.3), (220.8, 220.8), (240.2, 240.2),
       (299.7, 299.7), (300.2, 300.2), (150.3, 200.2), (350.7, 350.7), (400.2, 400.2), (250.2, 180.8)]
LOGO_PX = (250, 80)  # the footer logo; placed 120 x 40 form units, form /Matrix 0.5, odd pages another 0.8


def book_pdf(directory: Path, pages: int) -> Path:
    """The cached `pages`-page book in directory, generated if missing (a few seconds for 1000 pages)."""
    path = Path(directory) / f"book-{pages:04d}p-v{VERSION}.pdf"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        _write_book(partial, pages)
        partial.replace(path)
    return path


def expected_images(pages: int) -> list[tuple[int, int, int, float, float]]:
    """(page, width, height, ppi_x, ppi_y) of every image drawn, as generated: a check on the oracle itself."""
    out = []
    for n in range(1, pages + 1):
        for w, h, _, (px, py), _ in _page_images(n):
            out.append((n, w, h, px, py))
        scale = 0.5 * (0.8 if n % 2 else 1.0)
        out.append((n, *LOGO_PX, LOGO_PX[0] / (120 * scale / 72), LOGO_PX[1] / (40 * scale / 72)))
    return out


def _page_images(n: int) -> list[tuple[int, int, str, tuple[float, float], int]]:
    """(width px, height px, colour space, (ppi_x, ppi_y), seed) of page n's own images."""
    count = 2 if n % 3 == 0 else 1
    out = []
    for k in range(count):
        seed = n * 2 + k
        w = 64 + (seed * 37) % 337
        h = 64 + (seed * 53) % 337
        space = "/DeviceCMYK" if seed % 4 == 1 else "/DeviceGray" if seed % 7 == 3 else "/DeviceRGB"
        out.append((w, h, space, PPI[seed % len(PPI)], seed))
    return out


def _pixels(w: int, h: int, comps: int, seed: int) -> bytes:
    """A diagonal gradient, distinct per seed; rows are shifted copies, so Flate packs them small."""
    line = bytes(((x * (seed % 5 + 1) + seed * 11) & 0xFF) for x in range((w + h) * comps))
    return b"".join(line[(y * comps) % (h * comps):][: w * comps] for y in range(h))


def _image(pdf: pikepdf.Pdf, w: int, h: int, space: str, seed: int) -> pikepdf.Stream:
    comps = {"/DeviceGray": 1, "/DeviceRGB": 3, "/DeviceCMYK": 4}[space]
    data = zlib.compress(_pixels(w, h, comps, seed), 6)
    return pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=w, Height=h,
                          ColorSpace=pikepdf.Name(space), BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode)


def _dejavu(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """DejaVu Sans as a simple TrueType font, WinAnsi, the whole font program embedded."""
    from PIL import ImageFont

    program = DEJAVU.read_bytes()
    metrics = ImageFont.truetype(str(DEJAVU), 1000)
    widths = [round(metrics.getlength(chr(c))) for c in range(32, 127)]
    file2 = pikepdf.Stream(pdf, zlib.compress(program, 6), Length1=len(program), Filter=pikepdf.Name.FlateDecode)
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name.DejaVuSans, Flags=32,
        FontBBox=[-1021, -463, 1793, 1232], ItalicAngle=0, Ascent=928, Descent=-236, CapHeight=729, StemV=80,
        FontFile2=pdf.make_indirect(file2)))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name.DejaVuSans,
        FirstChar=32, LastChar=126, Widths=widths, Encoding=pikepdf.Name.WinAnsiEncoding, FontDescriptor=descriptor))


def _write_book(path: Path, pages: int) -> None:
    pdf = pikepdf.new()
    dejavu = _dejavu(pdf)
    helvetica = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
        Encoding=pikepdf.Name.WinAnsiEncoding))
    logo = pdf.make_indirect(_image(pdf, *LOGO_PX, "/DeviceRGB", 7))
    footer = pdf.make_indirect(pikepdf.Stream(
        pdf, b"q 120 0 0 40 0 10 cm /Logo Do Q\nBT /F1 14 Tf 0.2 g 135 22 Td (Made with Platen) Tj ET\n",
        Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 400, 60], Matrix=[0.5, 0, 0, 0.5, 0, 0],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=dejavu), XObject=pikepdf.Dictionary(Logo=logo))))
    for n in range(1, pages + 1):
        xobjects = {"/Footer": footer}
        fonts = {"/F1": dejavu}
        ops = [b"q 1 1 1 rg 0 0 %.3f %.3f re f Q" % (SIDE, SIDE)]  # a white background over the bleed
        x = BLEED + 20
        for k, (w, h, space, (px, py), seed) in enumerate(_page_images(n)):
            name = f"/Im{k}"
            xobjects[name] = pdf.make_indirect(_image(pdf, w, h, space, seed))
            width, height = w * 72 / px, h * 72 / py
            y = SIDE - BLEED - 30 - height
            ops.append(b"q q %.4f 0 0 %.4f %.3f %.3f cm %s Do Q Q" % (width, height, x, y, name.encode()))
            x += width + 12
        caption = f"Page {n}: summer in Lisbon, {len(_page_images(n))} photo(s)".encode()
        ops.append(b"q BT /F1 10 Tf 0 0 0 rg %.3f %.3f Td (%s) Tj ET Q" % (BLEED + 20, BLEED + 60, caption))
        if n % 5 == 0:
            fonts["/F2"] = helvetica
            ops.append(b"BT /F2 8 Tf %.3f %.3f Td (Printed on 170 g/m2 silk, Helvetica not embedded) Tj ET"
                       % (BLEED + 20, BLEED + 45))
        scale = 0.8 if n % 2 else 1.0
        ops.append(b"q %.1f 0 0 %.1f %.3f %.3f cm /Footer Do Q" % (scale, scale, SIDE - BLEED - 220, BLEED + 15))
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, SIDE, SIDE], BleedBox=[0, 0, SIDE, SIDE],
            TrimBox=[BLEED, BLEED, SIDE - BLEED, SIDE - BLEED],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(fonts), XObject=pikepdf.Dictionary(xobjects)),
            Contents=pdf.make_indirect(pikepdf.Stream(pdf, b"\n".join(ops) + b"\n")))
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)


def big_png(directory: Path, size: tuple[int, int] = (12000, 12000)) -> Path:
    """A single-colour RGB PNG of 144 megapixels at 300 dpi (a 40-inch poster); small on disk."""
    return _raster(Path(directory) / f"poster-{size[0]}x{size[1]}-v{VERSION}.png", size, "PNG")


def big_jpeg(directory: Path, size: tuple[int, int] = (12288, 9216)) -> Path:
    """A single-colour RGB JPEG of 113 megapixels at 300 dpi."""
    return _raster(Path(directory) / f"poster-{size[0]}x{size[1]}-v{VERSION}.jpg", size, "JPEG")


def _raster(path: Path, size: tuple[int, int], kind: str) -> Path:
    if not path.exists():
        from PIL import Image

        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        with Image.new("RGB", size, (212, 98, 40)) as image:
            image.save(partial, kind, dpi=(300, 300), **({"quality": 90} if kind == "JPEG" else {}))
        partial.replace(path)
    return path


if __name__ == "__main__":  # python bench/pdfgen.py DIR [PAGES ...] [--rasters]: generate (or find) and print paths
    import sys

    target, wanted = Path(sys.argv[1]), sys.argv[2:]
    for arg in wanted:
        if arg == "--rasters":
            print(big_png(target))
            print(big_jpeg(target))
        else:
            print(book_pdf(target, int(arg)))
