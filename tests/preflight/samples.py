"""Print-file samples for preflight tests, built from scratch so each one holds exactly the feature under test.

Every generator writes one file into `dest` (a directory) and returns its path; its docstring says what the
file contains and what a correct preflight concludes. PDFs are built with pikepdf (`PdfBuilder`), or written
byte by byte where pikepdf would repair the damage; rasters with Pillow or, when they may be huge, by hand.
Lengths are in millimetres unless named `_pt` (PDF points) or `_px` (pixels).
"""

from __future__ import annotations

import dataclasses
import functools
import random
import struct
import zlib
from pathlib import Path
from typing import Any, Literal

import pikepdf
from PIL import Image, ImageFont
from pikepdf import Name

from tests.emulators.fileserver import raw_pdf

PT_PER_MM = 72 / 25.4
INCH = 72.0  # points
A4 = (210.0, 297.0)
A5 = (148.0, 210.0)
BLEED = 3.0
PHOTO_BOOK = (200.0, 200.0)  # hardcover photo book trim; 24 to 200 pages
FOLDED_CARD_A6 = (210.0, 148.0)  # flat sheet of the A6 greeting card, printed 4/4: two pages
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
GiB = 1 << 30

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in mm
Colour = Literal["RGB", "CMYK", "Gray"]
COLOUR_SPACES = {"RGB": (Name.DeviceRGB, bytes((200, 80, 40))), "CMYK": (Name.DeviceCMYK, bytes((0, 150, 230, 20))),
                 "Gray": (Name.DeviceGray, bytes((128,)))}


def mm(value: float) -> float:
    return value * PT_PER_MM


def _num(value: float) -> str:
    """A PDF number: at most 4 decimals, no exponent (PDF has none)."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _nums(*values: float) -> str:
    return " ".join(_num(v) for v in values)


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


# ---------------------------------------------------------------------------------------------------------------
# Content stream snippets (operands in points)


def draw(name: str, x: float, y: float, width_pt: float, height_pt: float) -> bytes:
    """Paint XObject `name` (an image: its unit square) scaled to width x height at (x, y), state restored."""
    return f"q {_nums(width_pt, 0, 0, height_pt, x, y)} cm /{name} Do Q\n".encode()


def text(font: str | None, size: float, x: float, y: float, string: str, render_mode: int | None = None) -> bytes:
    """One text object; font=None keeps the font already selected (e.g. by an ExtGState)."""
    ops = [] if font is None else [f"/{font} {_num(size)} Tf"]
    if render_mode is not None:
        ops.append(f"{render_mode} Tr")
    ops += [f"{_nums(x, y)} Td", f"{_pdf_string(string)} Tj"]
    return ("BT " + " ".join(ops) + " ET\n").encode()


def fill_rect(x: float, y: float, width_pt: float, height_pt: float, rgb: tuple[float, float, float] = (0.2, 0.4, 0.8)
              ) -> bytes:
    return f"q {_nums(*rgb)} rg {_nums(x, y, width_pt, height_pt)} re f Q\n".encode()


# ---------------------------------------------------------------------------------------------------------------
# Builder


class PdfBuilder:
    """A pikepdf document assembled page by page; the object helpers return objects owned by it."""

    def __init__(self) -> None:
        self.pdf = pikepdf.new()

    def add_page(self, width_mm: float, height_mm: float, content: bytes = b"", resources: dict | None = None, *,
                 trim_box: Box | None = None, bleed_box: Box | None = None, crop_box: Box | None = None,
                 rotate: int | None = None, user_unit: float | None = None) -> pikepdf.Page:
        """Boxes are physical mm; with a UserUnit their numbers are divided by it, so the printed size stays."""
        unit = user_unit or 1.0

        def box(b: Box) -> pikepdf.Array:
            return pikepdf.Array([round(mm(v) / unit, 4) for v in b])

        page = pikepdf.Dictionary(Type=Name.Page, MediaBox=box((0, 0, width_mm, height_mm)),
                                  Resources=pikepdf.Dictionary(resources or {}),
                                  Contents=self.pdf.make_stream(content))
        for key, value in (("/TrimBox", trim_box), ("/BleedBox", bleed_box), ("/CropBox", crop_box)):
            if value is not None:
                page[key] = box(value)
        if rotate is not None:
            page.Rotate = rotate
        if user_unit is not None:
            page.UserUnit = user_unit
        self.pdf.pages.append(pikepdf.Page(page))
        return self.pdf.pages[-1]

    def add_bled_page(self, trim_mm: tuple[float, float], content: bytes = b"", resources: dict | None = None,
                      bleed_mm: float = BLEED, **kwargs: Any) -> pikepdf.Page:
        """A page the size of trim + bleed on every side: TrimBox inset by the bleed, BleedBox = MediaBox."""
        width, height = trim_mm[0] + 2 * bleed_mm, trim_mm[1] + 2 * bleed_mm
        return self.add_page(width, height, content, resources, trim_box=inset((0, 0, width, height), bleed_mm),
                             bleed_box=(0, 0, width, height), **kwargs)

    def indirect(self, obj: pikepdf.Dictionary) -> pikepdf.Object:
        return self.pdf.make_indirect(obj)

    def standard_font(self, base_font: str = "Helvetica") -> pikepdf.Object:
        """One of the standard 14 by name only: no FontDescriptor, so not embedded."""
        return self.indirect(pikepdf.Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/" + base_font),
                                                Encoding=Name.WinAnsiEncoding))

    def embedded_truetype(self) -> pikepdf.Object:
        """DejaVu Sans, the whole TrueType program as /FontFile2, WinAnsi-encoded for codes 32..126."""
        font = _dejavu()
        program = self.pdf.make_stream(font.flate, Filter=Name.FlateDecode, Length1=font.length)
        descriptor = self.indirect(pikepdf.Dictionary(
            Type=Name.FontDescriptor, FontName=Name.DejaVuSans, Flags=32, ItalicAngle=0, StemV=80,
            FontBBox=[0, -font.descent, max(font.widths), font.ascent], Ascent=font.ascent, Descent=-font.descent,
            CapHeight=729, FontFile2=program))  # DejaVu's cap height: 1493/2048 em
        return self.indirect(pikepdf.Dictionary(
            Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name.DejaVuSans, Encoding=Name.WinAnsiEncoding,
            FirstChar=32, LastChar=126, Widths=font.widths, FontDescriptor=descriptor))

    def image(self, width_px: int, height_px: int, colour: Colour = "RGB", smask: pikepdf.Stream | None = None
              ) -> pikepdf.Stream:
        """An 8-bit image of one colour (compresses to almost nothing at any size)."""
        space, pixel = COLOUR_SPACES[colour]
        data = _flate_repeated(pixel * width_px, height_px)
        image = self.pdf.make_stream(data, Type=Name.XObject, Subtype=Name.Image, Width=width_px, Height=height_px,
                                     ColorSpace=space, BitsPerComponent=8, Filter=Name.FlateDecode)
        if smask is not None:
            image.SMask = smask
        return image

    def form(self, content: bytes, resources: dict | None = None, matrix: tuple[float, ...] | None = None,
             bbox_pt: tuple[float, float, float, float] = (-10_000, -10_000, 10_000, 10_000)) -> pikepdf.Stream:
        """A Form XObject; the default BBox is large enough never to clip."""
        form = self.pdf.make_stream(content, Type=Name.XObject, Subtype=Name.Form, BBox=list(bbox_pt),
                                    Resources=pikepdf.Dictionary(resources or {}))
        if matrix is not None:
            form.Matrix = list(matrix)
        return form

    def tiling_pattern(self, content: bytes, resources: dict | None = None, cell_pt: float = 50) -> pikepdf.Stream:
        """A coloured tiling pattern whose cell is painted by `content`."""
        return self.pdf.make_stream(content, Type=Name.Pattern, PatternType=1, PaintType=1, TilingType=1,
                                    BBox=[0, 0, cell_pt, cell_pt], XStep=cell_pt, YStep=cell_pt,
                                    Resources=pikepdf.Dictionary(resources or {}))

    def type3_font(self, glyph: bytes, resources: dict | None = None) -> pikepdf.Object:
        """A Type3 font with one glyph, code 97 ("a"), drawn by `glyph` in a 1000-unit em (d0: it may set colour)."""
        proc = self.pdf.make_stream(b"1000 0 d0\n" + glyph)
        font = pikepdf.Dictionary(Type=Name.Font, Subtype=Name.Type3, FontBBox=[0, 0, 1000, 1000],
                                  FontMatrix=[0.001, 0, 0, 0.001, 0, 0], CharProcs=pikepdf.Dictionary(a=proc),
                                  Encoding=pikepdf.Dictionary(Type=Name.Encoding, Differences=[97, Name.a]),
                                  FirstChar=97, LastChar=97, Widths=[1000])
        if resources is not None:
            font.Resources = pikepdf.Dictionary(resources)
        return self.indirect(font)

    def ext_gstate(self, **entries: Any) -> pikepdf.Object:
        return self.indirect(pikepdf.Dictionary(Type=Name.ExtGState, **entries))

    def save(self, path: Path, **kwargs: Any) -> Path:
        if "encryption" not in kwargs:
            kwargs["deterministic_id"] = True  # same bytes on every run; qpdf refuses it with encryption
        kwargs.setdefault("min_version", "1.7")  # UserUnit, SMask, AES-256 all need more than pikepdf's 1.3
        self.pdf.save(path, **kwargs)
        return path


def inset(box: Box, by: float) -> Box:
    return box[0] + by, box[1] + by, box[2] - by, box[3] - by


@dataclasses.dataclass(frozen=True)
class _TrueType:
    flate: bytes  # the font program, deflated
    length: int  # its inflated length (/Length1)
    ascent: int  # metrics in 1/1000 em
    descent: int
    widths: list[int]  # advance widths of codes 32..126


@functools.cache
def _dejavu() -> _TrueType:
    """DejaVu Sans, deflated once per process."""
    program = DEJAVU.read_bytes()
    face = ImageFont.truetype(str(DEJAVU), 1000)  # at 1000 px a pixel is a 1/1000 em glyph unit
    ascent, descent = face.getmetrics()
    widths = [round(face.getlength(chr(code))) for code in range(32, 127)]
    return _TrueType(zlib.compress(program, 9), len(program), ascent, descent, widths)


# ---------------------------------------------------------------------------------------------------------------
# Deflate without holding the inflated data


def _deflate_block(data: bytes) -> bytes:
    """Raw deflate blocks for `data` ending on a byte boundary with no back-references out: safe to repeat."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _flate_repeated(unit: bytes, times: int, chunk_bytes: int = 16 << 20) -> bytes:
    """A zlib stream inflating to unit * times: ~chunk_bytes of units are deflated once and the bytes repeated,
    so gigabytes cost one chunk of memory and a checksum pass."""
    per_chunk = max(1, chunk_bytes // max(1, len(unit)))
    full, rest = divmod(times, per_chunk)
    out, adler = [b"\x78\xda"], 1  # zlib header: deflate, 32 KiB window, best compression
    for units, count in ((per_chunk, full), (rest, 1)):
        if units and count:
            data = unit * units
            out.append(_deflate_block(data) * count)
            for _ in range(count):
                adler = zlib.adler32(data, adler)
    out.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())  # an empty final block
    out.append(adler.to_bytes(4, "big"))
    return b"".join(out)


# ---------------------------------------------------------------------------------------------------------------
# Good PDFs and geometry


def _poster(builder: PdfBuilder, content: bytes, resources: dict | None = None) -> pikepdf.Page:
    """The usual page: A4 poster with 3 mm bleed (216x303 mm, TrimBox 210x297)."""
    return builder.add_bled_page(A4, content, resources)


def _sharp_image(builder: PdfBuilder, name: str = "Im0") -> tuple[bytes, dict]:
    """A 320x320 px image on one square inch: 320 ppi, above any minimum."""
    return draw(name, 72, 72, INCH, INCH), {f"/{name}": builder.image(320, 320)}


def good_poster(dest: Path, width_mm: float = 216, height_mm: float = 303) -> Path:
    """Trim (size - 6 mm) + 3 mm bleed, TrimBox/BleedBox, embedded text, 320 ppi image: passes (A4 poster)."""
    b = PdfBuilder()
    image_ops, images = _sharp_image(b)
    background = fill_rect(0, 0, mm(width_mm), mm(height_mm), (1, 0.95, 0.8))
    b.add_bled_page((width_mm - 2 * BLEED, height_mm - 2 * BLEED), background + image_ops
                    + text("F1", 24, 72, 200, "Platen poster"),
                    {"/Font": {"/F1": b.embedded_truetype()}, "/XObject": images})
    return b.save(dest / "good_poster.pdf")


def no_bleed_poster(dest: Path) -> Path:
    """MediaBox exactly 210x297 mm, no TrimBox: right trim size but no bleed (fails the bleed check)."""
    b = PdfBuilder()
    b.add_page(*A4, fill_rect(0, 0, mm(A4[0]), mm(A4[1])))
    return b.save(dest / "no_bleed_poster.pdf")


def wrong_size(dest: Path) -> Path:
    """An A5 page (148x210 trim + 3 mm bleed, boxes set) sent for an A4 product: fails the size check."""
    b = PdfBuilder()
    b.add_bled_page(A5, fill_rect(0, 0, mm(A5[0]), mm(A5[1])))
    return b.save(dest / "wrong_size.pdf")


def rotated_landscape(dest: Path) -> Path:
    """MediaBox 303x216 mm (TrimBox 297x210 inside) with /Rotate 90: displays 216x303 portrait, passes for A4."""
    b = PdfBuilder()
    b.add_page(303, 216, fill_rect(0, 0, mm(303), mm(216)), trim_box=inset((0, 0, 303, 216), BLEED),
               bleed_box=(0, 0, 303, 216), rotate=90)
    return b.save(dest / "rotated_landscape.pdf")


def rotated_wrong(dest: Path) -> Path:
    """MediaBox 216x303 mm with /Rotate 90: displays 303x216 landscape, fails for a portrait A4 poster."""
    b = PdfBuilder()
    b.add_bled_page(A4, fill_rect(0, 0, mm(216), mm(303)), rotate=90)
    return b.save(dest / "rotated_wrong.pdf")


def user_unit(dest: Path) -> Path:
    """/UserUnit 2 with every box number halved: physically 216x303 mm with a 210x297 TrimBox, passes for A4."""
    b = PdfBuilder()
    b.add_page(216, 303, fill_rect(0, 0, mm(108), mm(151.5)), trim_box=inset((0, 0, 216, 303), BLEED),
               bleed_box=(0, 0, 216, 303), user_unit=2)
    return b.save(dest / "user_unit.pdf")


def trimbox_with_bleed(dest: Path) -> Path:
    """MediaBox 236x323 mm (room for crop marks), TrimBox 210x297 centred, BleedBox 3 mm around it: passes."""
    b = PdfBuilder()
    trim = inset((0, 0, 236, 323), 13)
    marks = b"".join(fill_rect(mm(x), mm(y), mm(w), 0.25, (0, 0, 0)) for x, y, w in
                     ((0, 13, 8), (228, 13, 8), (0, 310, 8), (228, 310, 8)))
    b.add_page(236, 323, fill_rect(mm(10), mm(10), mm(216), mm(303)) + marks, trim_box=trim,
               bleed_box=inset(trim, -BLEED))
    return b.save(dest / "trimbox_with_bleed.pdf")


def trimbox_without_bleed(dest: Path) -> Path:
    """TrimBox = BleedBox = MediaBox = 210x297 mm: the trim is right but there is no bleed (fails the bleed check)."""
    b = PdfBuilder()
    page = (0, 0, *A4)
    b.add_page(*A4, fill_rect(0, 0, mm(A4[0]), mm(A4[1])), trim_box=page, bleed_box=page)
    return b.save(dest / "trimbox_without_bleed.pdf")


def multi_page(dest: Path, pages: int, trim_mm: tuple[float, float] = PHOTO_BOOK, bleed_mm: float = BLEED,
               name: str = "multi_page.pdf") -> Path:
    """`pages` pages of trim + bleed (default 206x206 mm photo book pages), 320 ppi: passes for that page count."""
    b = PdfBuilder()
    image = b.image(320, 320)
    for _ in range(pages):
        b.add_bled_page(trim_mm, draw("Im0", 72, 72, INCH, INCH), {"/XObject": {"/Im0": image}}, bleed_mm)
    return b.save(dest / name)


def single_page_card(dest: Path) -> Path:
    """One 216x154 mm page (A6 folded card sheet + bleed) for a card printed 4/4: fails, 2 pages expected."""
    return multi_page(dest, 1, FOLDED_CARD_A6, name="single_page_card.pdf")


# ---------------------------------------------------------------------------------------------------------------
# Resolution


def low_res_image_large(dest: Path) -> Path:
    """Two A4 poster pages, page 1 a 100 px image over 4 in (25 ppi), page 2 fine: fails for page 1."""
    b = PdfBuilder()
    _poster(b, draw("Im0", 72, 72, 4 * INCH, 4 * INCH), {"/XObject": {"/Im0": b.image(100, 100)}})
    image_ops, images = _sharp_image(b)
    _poster(b, image_ops, {"/XObject": images})
    return b.save(dest / "low_res_image_large.pdf")


def image_scaled_by_form_matrix(dest: Path) -> Path:
    """600 px image drawn 150 pt wide in a Form with /Matrix x4: 72 ppi (288 if the matrix is ignored), fails."""
    b = PdfBuilder()
    form = b.form(draw("Im0", 0, 0, 150, 150), {"/XObject": {"/Im0": b.image(600, 600)}}, matrix=(4, 0, 0, 4, 0, 0))
    _poster(b, b"q 1 0 0 1 0 0 cm /Fx0 Do Q\n", {"/XObject": {"/Fx0": form}})
    return b.save(dest / "image_scaled_by_form_matrix.pdf")


def form_without_resources(dest: Path) -> Path:
    """A Form without /Resources on 3 pages whose /Im0 are 100, 300, 600 px per inch: 100, 300, 600 ppi."""
    b = PdfBuilder()
    form = b.form(draw("Im0", 72, 72, INCH, INCH))
    del form.Resources  # so it draws with the resources of each page that draws it
    for pixels in (100, 300, 600):
        _poster(b, b"/Fx0 Do\n", {"/XObject": {"/Fx0": form, "/Im0": b.image(pixels, pixels)}})
    return b.save(dest / "form_without_resources.pdf")


def image_in_nested_forms(dest: Path) -> Path:
    """600 px image scaled x8 through two Forms (one /Matrix, cms, a q/Q'd decoy): 75 ppi, fails."""
    # 1 in x inner /Matrix 2 x outer cm 2 x page cm 2 = 8 in. Ignoring forms gives 600 ppi, applying the cm that
    # q/Q discards gives 750: both would wrongly pass.
    b = PdfBuilder()
    inner = b.form(draw("Im0", 0, 0, INCH, INCH), {"/XObject": {"/Im0": b.image(600, 600)}},
                   matrix=(2, 0, 0, 2, 0, 0))
    outer = b.form(b"q 0.1 0 0 0.1 0 0 cm Q\nq 2 0 0 2 0 0 cm /Fx1 Do Q\n", {"/XObject": {"/Fx1": inner}})
    _poster(b, b"q 2 0 0 2 10 10 cm /Fx0 Do Q\n", {"/XObject": {"/Fx0": outer}})
    return b.save(dest / "image_in_nested_forms.pdf")


def inline_image_low_res(dest: Path) -> Path:
    """An inline image (BI/ID/EI) of 10x10 px painted over 2x2 in: 5 ppi, fails."""
    pixels = COLOUR_SPACES["RGB"][1] * 100
    content = b"q 144 0 0 144 72 72 cm BI /W 10 /H 10 /CS /RGB /BPC 8 ID " + pixels + b"\nEI Q\n"
    b = PdfBuilder()
    _poster(b, content)
    return b.save(dest / "inline_image_low_res.pdf")


def cmyk_and_transparency(dest: Path) -> Path:
    """A CMYK image, /ca 0.5 via gs and an image with /SMask, all 320 ppi: passes with info notes."""
    b = PdfBuilder()
    smask = b.image(320, 320, "Gray")
    content = (draw("Cmyk", 72, 72, INCH, INCH) + b"q /GS0 gs\n" + fill_rect(200, 72, 100, 100) + b"Q\n"
               + draw("Masked", 72, 300, INCH, INCH))
    _poster(b, content, {"/XObject": {"/Cmyk": b.image(320, 320, "CMYK"), "/Masked": b.image(320, 320, smask=smask)},
                         "/ExtGState": {"/GS0": b.ext_gstate(ca=0.5)}})
    return b.save(dest / "cmyk_and_transparency.pdf")


# ---------------------------------------------------------------------------------------------------------------
# Fonts: only text actually painted needs an embedded font


def _helvetica_poster(builder: PdfBuilder, content: bytes, extra_resources: dict | None = None) -> None:
    _poster(builder, content, {"/Font": {"/F1": builder.standard_font()}, **(extra_resources or {})})


def invisible_ocr_text(dest: Path) -> Path:
    """320 ppi page image + OCR text in non-embedded Helvetica, `3 Tr` (kept across BT/ET): passes."""
    b = PdfBuilder()
    image_ops, images = _sharp_image(b)
    content = image_ops + text("F1", 12, 72, 100, "scanned words", render_mode=3) + text("F1", 12, 72, 80, "more")
    _helvetica_poster(b, content, {"/XObject": images})
    return b.save(dest / "invisible_ocr_text.pdf")


def visible_text_after_ocr(dest: Path) -> Path:
    """Like invisible_ocr_text, then a Tj after `0 Tr` in the same non-embedded Helvetica: fails the font check."""
    b = PdfBuilder()
    image_ops, images = _sharp_image(b)
    content = image_ops + b"BT /F1 12 Tf 3 Tr 72 100 Td (scanned words) Tj 0 Tr 0 -20 Td (visible) Tj ET\n"
    _helvetica_poster(b, content, {"/XObject": images})
    return b.save(dest / "visible_text_after_ocr.pdf")


def unused_font_in_resources(dest: Path) -> Path:
    """Non-embedded Helvetica listed in the page's /Font resources but no text operator: passes (pdffonts lists it)."""
    b = PdfBuilder()
    _helvetica_poster(b, fill_rect(72, 72, 200, 200))
    return b.save(dest / "unused_font_in_resources.pdf")


def empty_string_font(dest: Path) -> Path:
    """Non-embedded Helvetica selected and shown only with `() Tj`: nothing is drawn, passes."""
    b = PdfBuilder()
    _helvetica_poster(b, fill_rect(72, 72, 200, 200) + text("F1", 12, 72, 300, ""))
    return b.save(dest / "empty_string_font.pdf")


def _helvetica_text_form(builder: PdfBuilder) -> tuple[bytes, dict]:
    """Content and resources painting "Hello" in non-embedded Helvetica (for forms, patterns, glyphs)."""
    return text("F1", 12, 5, 5, "Hello"), {"/Font": {"/F1": builder.standard_font()}}


def font_only_in_tiling_pattern(dest: Path) -> Path:
    """Non-embedded Helvetica used only inside a tiling pattern that fills a rectangle (/Pattern cs /P0 scn): fails."""
    b = PdfBuilder()
    pattern = b.tiling_pattern(*_helvetica_text_form(b))
    _poster(b, b"q /Pattern cs /P0 scn 72 72 200 200 re f Q\n", {"/Pattern": {"/P0": pattern}})
    return b.save(dest / "font_only_in_tiling_pattern.pdf")


def font_in_unused_pattern(dest: Path) -> Path:
    """The same pattern (text in non-embedded Helvetica) in the page resources but never selected: passes."""
    b = PdfBuilder()
    pattern = b.tiling_pattern(*_helvetica_text_form(b))
    _poster(b, fill_rect(72, 72, 200, 200), {"/Pattern": {"/P0": pattern}})
    return b.save(dest / "font_in_unused_pattern.pdf")


def font_in_form_xobject(dest: Path) -> Path:
    """Non-embedded Helvetica text inside a Form XObject painted with Do: fails."""
    b = PdfBuilder()
    _poster(b, b"q 1 0 0 1 72 72 cm /Fx0 Do Q\n", {"/XObject": {"/Fx0": b.form(*_helvetica_text_form(b))}})
    return b.save(dest / "font_in_form_xobject.pdf")


def _annotated_poster(builder: PdfBuilder, flags: int) -> None:
    """A FreeText annotation whose normal appearance paints non-embedded Helvetica text."""
    appearance = builder.form(*_helvetica_text_form(builder), bbox_pt=(0, 0, 200, 30))
    annot = builder.indirect(pikepdf.Dictionary(
        Type=Name.Annot, Subtype=Name.FreeText, Rect=[72, 400, 272, 430], F=flags, Contents=pikepdf.String("Hello"),
        DA=pikepdf.String("/F1 12 Tf 0 g"), AP=pikepdf.Dictionary(N=appearance)))
    page = _poster(builder, fill_rect(72, 72, 200, 200))
    page.obj.Annots = [annot]


def font_in_annotation_appearance(dest: Path) -> Path:
    """A printing (/F 4) FreeText annotation whose /AP /N paints non-embedded Helvetica: fails."""
    b = PdfBuilder()
    _annotated_poster(b, flags=4)
    return b.save(dest / "font_in_annotation_appearance.pdf")


def font_in_hidden_annotation(dest: Path) -> Path:
    """The same annotation without the Print flag (/F 0, screen only): not printed, passes."""
    b = PdfBuilder()
    _annotated_poster(b, flags=0)
    return b.save(dest / "font_in_hidden_annotation.pdf")


def type3_font_with_nested_font(dest: Path) -> Path:
    """A Type3 font whose glyph "a" paints text in non-embedded Helvetica through its own /Resources: fails."""
    b = PdfBuilder()
    glyph, resources = _helvetica_text_form(b)
    _poster(b, text("T3", 24, 72, 72, "a"), {"/Font": {"/T3": b.type3_font(glyph, resources)}})
    return b.save(dest / "type3_font_with_nested_font.pdf")


def type3_only(dest: Path) -> Path:
    """Text in a Type3 font whose glyph is a filled square (glyphs live in the file: counts as embedded): passes."""
    b = PdfBuilder()
    _poster(b, text("T3", 24, 72, 72, "aaa"), {"/Font": {"/T3": b.type3_font(b"0 0 800 800 re f\n")}})
    return b.save(dest / "type3_only.pdf")


def font_via_extgstate(dest: Path) -> Path:
    """Non-embedded Helvetica selected by an ExtGState's /Font [ref 12] via gs, then Tj with no Tf: fails."""
    b = PdfBuilder()
    gstate = b.ext_gstate(Font=[b.standard_font(), 12])
    _poster(b, b"q /GS0 gs\n" + text(None, 12, 72, 72, "Hello") + b"Q\n", {"/ExtGState": {"/GS0": gstate}})
    return b.save(dest / "font_via_extgstate.pdf")


# ---------------------------------------------------------------------------------------------------------------
# Encryption


def encrypted_user_password(dest: Path) -> Path:
    """AES-256, user password "secret" (owner "owner"): cannot be opened without it; reported as encrypted."""
    b = PdfBuilder()
    _poster(b, fill_rect(72, 72, 200, 200))
    return b.save(dest / "encrypted_user_password.pdf", encryption=pikepdf.Encryption(user="secret", owner="owner"))


def encrypted_owner_only(dest: Path) -> Path:
    """Empty user password, owner "owner", copy/change/high-res print forbidden: reported encrypted."""
    b = PdfBuilder()
    _poster(b, fill_rect(72, 72, 200, 200))
    no = dict.fromkeys(("extract", "modify_annotation", "modify_assembly", "modify_form", "modify_other",
                        "print_highres"), False)
    return b.save(dest / "encrypted_owner_only.pdf",
                  encryption=pikepdf.Encryption(user="", owner="owner", allow=pikepdf.Permissions(**no)))


# ---------------------------------------------------------------------------------------------------------------
# Rasters


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _write_png(path: Path, width: int, height: int, colour_type: int, bit_depth: int, row: bytes,
               dpi: float | None = None) -> Path:
    """A PNG whose every row is `row` (unfiltered), deflated without building the image in memory."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    chunks = [_png_chunk(b"IHDR", header)]
    if dpi:
        per_metre = round(dpi / 0.0254)
        chunks.append(_png_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
    chunks += [_png_chunk(b"IDAT", _flate_repeated(b"\x00" + row, height)), _png_chunk(b"IEND", b"")]
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"".join(chunks))
    return path


def png_rgb(dest: Path, width_px: int, height_px: int, dpi: float | None = None) -> Path:
    """An opaque one-colour 8-bit RGB PNG of any size (tiny on disk), with pHYs when dpi is given."""
    return _write_png(dest / "rgb.png", width_px, height_px, 2, 8, COLOUR_SPACES["RGB"][1] * width_px, dpi)


def png_rgba(dest: Path, width_px: int, height_px: int, dpi: float | None = None) -> Path:
    """A one-colour 8-bit RGBA PNG at 50% alpha: transparency to flatten (an info note)."""
    return _write_png(dest / "rgba.png", width_px, height_px, 6, 8, (COLOUR_SPACES["RGB"][1] + b"\x80") * width_px,
                      dpi)


def jpeg_cmyk(dest: Path, width_px: int, height_px: int, dpi: float | None = None) -> Path:
    """A one-colour CMYK JPEG (Pillow allocates width x height x 4 bytes: keep it moderate)."""
    path = dest / "cmyk.jpg"
    Image.new("CMYK", (width_px, height_px), (0, 150, 230, 20)).save(path, "JPEG", **_dpi(dpi))
    return path


def tiff(dest: Path, width_px: int, height_px: int, dpi: float | None = None, mode: str = "RGB") -> Path:
    """A one-colour deflate-compressed TIFF (Pillow allocates the pixels: keep it moderate)."""
    path = dest / "image.tiff"
    Image.new(mode, (width_px, height_px)).save(path, "TIFF", compression="tiff_adobe_deflate", **_dpi(dpi))
    return path


def _dpi(dpi: float | None) -> dict:
    return {"dpi": (dpi, dpi)} if dpi else {}


def svg_file(dest: Path, width_mm: float = 216, height_mm: float = 303) -> Path:
    """A small SVG with a physical size in mm and a rectangle (a vector file: no resolution to check)."""
    path = dest / "image.svg"
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{height_mm}mm" '
                    f'viewBox="0 0 {width_mm} {height_mm}"><rect x="10" y="10" width="50" height="50" '
                    'fill="#c85028"/></svg>\n')
    return path


# ---------------------------------------------------------------------------------------------------------------
# Hostile files: a checker must finish on each, with a verdict or a clear refusal, in bounded time and memory


def deflate_bomb_pdf(dest: Path, decoded_bytes: int = GiB, where: Literal["content", "image"] = "content") -> Path:
    """~1 MB PDF whose content stream (zeros) or grey image inflates to decoded_bytes: never inflated whole."""
    b = PdfBuilder()
    if where == "content":
        page = _poster(b, b"")
        page.obj.Contents.write(_flate_repeated(b"\0", decoded_bytes), filter=Name.FlateDecode)
    else:
        width = 16_384
        image = b.image(width, max(1, decoded_bytes // width), "Gray")  # never inflated here
        _poster(b, draw("Im0", 0, 0, mm(216), mm(303)), {"/XObject": {"/Im0": image}})
    return b.save(dest / f"deflate_bomb_{where}.pdf")  # qpdf copies already-deflated streams without inflating


def forged_png_header(dest: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """PNG whose IHDR (valid CRC) claims width x height, tiny IDAT: refused from the header alone."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(b"\0" * 4)) + _png_chunk(b"IEND", b"")
    path = dest / "forged_header.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunks)
    return path


def png_decompression_bomb(dest: Path, width: int = 20_000, height: int = 20_000) -> Path:
    """Valid all-black 8-bit grey PNG, 400 Mpx by default (~400 KB on disk): refused, never decoded."""
    return _write_png(dest / "bomb.png", width, height, 0, 8, bytes(width))


def truncated_pdf(dest: Path, source: Path, keep_fraction: float = 0.5) -> Path:
    """The first keep_fraction of `source`'s bytes (no xref, no %%EOF): unreadable or repaired, never a crash."""
    data = source.read_bytes()
    path = dest / f"truncated_{source.name}"
    path.write_bytes(data[: int(len(data) * keep_fraction)])
    return path


_RAW_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612.2835 858.8976] /Contents 4 0 R /Resources << >> >>"
_RAW_CONTENT = b"0 0 1 rg 72 72 200 200 re f"


def _raw_stream(data: bytes, length: bytes | None = None) -> bytes:
    return b"<< /Length %s >>\nstream\n%s\nendstream" % (length or b"%d" % len(data), data)


def cyclic_page_tree_pdf(dest: Path) -> Path:
    """A page tree whose root /Pages node lists itself among its kids (and /Count lies): no endless walk."""
    path = dest / "cyclic_page_tree.pdf"
    path.write_bytes(raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                               b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>", _RAW_PAGE,
                               _raw_stream(_RAW_CONTENT)]))
    return path


def looping_xref_pdf(dest: Path) -> Path:
    """A valid one-page PDF except that its trailer's /Prev points at its own xref table: no endless walk."""
    path = dest / "looping_xref.pdf"
    path.write_bytes(raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                               _RAW_PAGE, _raw_stream(_RAW_CONTENT)], prev_loop=True))
    return path


def self_referencing_length_pdf(dest: Path) -> Path:
    """A one-page PDF whose content stream's /Length is a reference to that stream object itself."""
    path = dest / "self_referencing_length.pdf"
    path.write_bytes(raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                               _RAW_PAGE, _raw_stream(_RAW_CONTENT, length=b"4 0 R")]))
    return path


def self_drawing_form_pdf(dest: Path) -> Path:
    """A Form XObject Fx0 whose content is `/Fx0 Do` with itself in its resources: recursion must be cut."""
    b = PdfBuilder()
    form = b.form(b"q 0.5 0 0 0.5 0 0 cm /Fx0 Do Q\n")
    form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx0=form))
    _poster(b, b"/Fx0 Do\n", {"/XObject": {"/Fx0": form}})
    return b.save(dest / "self_drawing_form.pdf")


def deep_nesting_pdf(dest: Path, depth: int = 200) -> Path:
    """`depth` Form XObjects each drawing the next (the last fills a square): a recursive walk must not overflow."""
    b = PdfBuilder()
    form = b.form(fill_rect(0, 0, 100, 100))
    for _ in range(depth - 1):
        form = b.form(b"q 1 0 0 1 0 0 cm /Fx Do Q\n", {"/XObject": {"/Fx": form}})
    _poster(b, b"/Fx Do\n", {"/XObject": {"/Fx": form}})
    return b.save(dest / "deep_nesting.pdf")


def many_operators_pdf(dest: Path, operators: int = 2_000_000, unit: bytes = b"0 0 m\n") -> Path:
    """One page whose content stream is `unit` (one operator) repeated `operators` times (a few KB deflated)."""
    b = PdfBuilder()
    page = _poster(b, b"")
    page.obj.Contents.write(_flate_repeated(unit, operators), filter=Name.FlateDecode)
    return b.save(dest / "many_operators.pdf")


def not_a_pdf(dest: Path) -> Path:
    """`%PDF-1.7` followed by 4 KiB of random bytes: a clean "not a readable PDF"."""
    path = dest / "not_a_pdf.pdf"
    path.write_bytes(b"%PDF-1.7\n" + random.Random(0).randbytes(4096))
    return path
