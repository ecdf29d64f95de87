"""The sample generators make the files their docstrings promise (checked with pikepdf, Pillow and, if installed,
poppler), so preflight tests built on them test the checker and not the samples."""

from __future__ import annotations

import inspect
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
import pikepdf
import pytest
from PIL import Image

from tests.preflight import samples as s

needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")


def size_mm(page: pikepdf.Page, box: str) -> tuple[float, float]:
    """Physical width and height of a page box, UserUnit applied, rounded to 0.01 mm."""
    x0, y0, x1, y1 = (float(v) for v in page.obj[box])
    unit = float(page.obj.get("/UserUnit", 1))
    return round((x1 - x0) * unit / s.PT_PER_MM, 2), round((y1 - y0) * unit / s.PT_PER_MM, 2)


@pytest.mark.parametrize("make,pages,media,trim,rotate", [
    (s.good_poster, 1, (216, 303), (210, 297), 0),
    (s.no_bleed_poster, 1, (210, 297), None, 0),
    (s.wrong_size, 1, (154, 216), (148, 210), 0),
    (s.rotated_landscape, 1, (303, 216), (297, 210), 90),
    (s.rotated_wrong, 1, (216, 303), (210, 297), 90),
    (s.user_unit, 1, (216, 303), (210, 297), 0),
    (s.trimbox_with_bleed, 1, (236, 323), (210, 297), 0),
    (s.trimbox_without_bleed, 1, (210, 297), (210, 297), 0),
    (lambda dest: s.multi_page(dest, 24), 24, (206, 206), (200, 200), 0),
    (s.single_page_card, 1, (216, 154), (210, 148), 0),
    (s.low_res_image_large, 2, (216, 303), (210, 297), 0),
])
def test_page_count_and_boxes(tmp_path, make, pages, media, trim, rotate):
    with pikepdf.open(make(tmp_path)) as pdf:
        assert len(pdf.pages) == pages
        for page in pdf.pages:
            assert size_mm(page, "/MediaBox") == media and int(page.obj.get("/Rotate", 0)) == rotate
            assert (size_mm(page, "/TrimBox") if "/TrimBox" in page.obj else None) == trim


def test_user_unit_halves_the_box_numbers(tmp_path):
    with pikepdf.open(s.user_unit(tmp_path)) as pdf:
        page = pdf.pages[0].obj
        assert page.UserUnit == 2 and [round(float(v), 2) for v in page.MediaBox] == [0, 0, 306.14, 429.45]


def test_trim_is_centred_with_bleed_around_it(tmp_path):
    with pikepdf.open(s.trimbox_with_bleed(tmp_path)) as pdf:
        page = pdf.pages[0]
        assert round(float(page.obj.TrimBox[0]) / s.PT_PER_MM, 2) == 13 and size_mm(page, "/BleedBox") == (216, 303)


def pdffonts(path: Path) -> dict[str, tuple[str, str]]:
    """Font name -> (type, emb), columns cut where pdffonts' dashed rule has gaps (types contain spaces)."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    spans, start = [], 0
    for dashes in lines[1].split(" "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 1
    rows = [[line[a:b].strip() for a, b in spans] for line in lines[2:]]
    return {row[0]: (row[1], row[3]) for row in rows}


HELVETICA = {"Helvetica": ("Type 1", "no")}


@needs_poppler
@pytest.mark.parametrize("make,fonts", [
    (s.good_poster, {"DejaVuSans": ("TrueType", "yes")}),
    (s.invisible_ocr_text, HELVETICA), (s.visible_text_after_ocr, HELVETICA),
    (s.unused_font_in_resources, HELVETICA), (s.empty_string_font, HELVETICA),
    (s.font_only_in_tiling_pattern, HELVETICA), (s.font_in_unused_pattern, HELVETICA),
    (s.font_in_form_xobject, HELVETICA), (s.font_in_annotation_appearance, HELVETICA),
    (s.font_in_hidden_annotation, HELVETICA),
    (s.type3_only, {"[none]": ("Type 3", "yes")}),
])
def test_pdffonts_sees_the_intended_fonts(tmp_path, make, fonts):
    assert pdffonts(make(tmp_path)) == fonts


def test_fonts_poppler_does_not_list_are_where_promised(tmp_path):
    """pdffonts reads neither Type3 glyph resources nor ExtGState fonts: check those two by structure."""
    with pikepdf.open(s.type3_font_with_nested_font(tmp_path)) as pdf:
        type3 = pdf.pages[0].Resources.Font.T3
        assert type3.Subtype == "/Type3" and type3.Resources.Font.F1.BaseFont == "/Helvetica"
        assert b"Tj" in type3.CharProcs.a.read_bytes() and "/FontDescriptor" not in type3.Resources.Font.F1
    with pikepdf.open(s.font_via_extgstate(tmp_path)) as pdf:
        font, size = pdf.pages[0].Resources.ExtGState.GS0.Font
        assert font.BaseFont == "/Helvetica" and size == 12 and "/FontDescriptor" not in font
        assert b"Tf" not in pdf.pages[0].Contents.read_bytes()


def text_operators(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0]) if str(op) in ("Tr", "Tj")]


def test_ocr_text_render_modes(tmp_path):
    assert text_operators(s.invisible_ocr_text(tmp_path)) == ["Tr", "Tj", "Tj"]  # the second Tj inherits 3 Tr
    assert text_operators(s.visible_text_after_ocr(tmp_path)) == ["Tr", "Tj", "Tr", "Tj"]


def pdfimages(path: Path) -> list[tuple[str, str, int]]:
    """(type, colour, x-ppi) per image drawn; counted from the right as inline images have one ID column."""
    lines = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [(row[2], row[5], int(row[-4])) for row in (line.split() for line in lines.splitlines()[2:])]


@needs_poppler
@pytest.mark.parametrize("make,images", [
    (s.good_poster, [("image", "rgb", 320)]),
    (s.invisible_ocr_text, [("image", "rgb", 320)]),
    (s.low_res_image_large, [("image", "rgb", 25), ("image", "rgb", 320)]),
    (s.image_scaled_by_form_matrix, [("image", "rgb", 72)]),
    (s.image_in_nested_forms, [("image", "rgb", 75)]),
    (s.inline_image_low_res, [("image", "rgb", 5)]),
    (s.cmyk_and_transparency, [("image", "cmyk", 320), ("image", "rgb", 320), ("smask", "gray", 320)]),
    (lambda dest: s.multi_page(dest, 3), [("image", "rgb", 320)] * 3),
])
def test_pdfimages_reports_the_intended_resolution(tmp_path, make, images):
    assert pdfimages(make(tmp_path)) == images


def test_transparency_is_set_and_used(tmp_path):
    with pikepdf.open(s.cmyk_and_transparency(tmp_path)) as pdf:
        assert pdf.pages[0].Resources.ExtGState.GS0.ca == 0.5 and b"/GS0 gs" in pdf.pages[0].Contents.read_bytes()


def test_encrypted_files(tmp_path):
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(s.encrypted_user_password(tmp_path))
    with pikepdf.open(tmp_path / "encrypted_user_password.pdf", password="secret") as pdf:
        assert pdf.is_encrypted and len(pdf.pages) == 1
    with pikepdf.open(s.encrypted_owner_only(tmp_path)) as pdf:
        assert pdf.is_encrypted and not pdf.allow.modify_other and not pdf.allow.print_highres


@pytest.mark.parametrize("make,mode", [(s.png_rgb, "RGB"), (s.png_rgba, "RGBA"), (s.jpeg_cmyk, "CMYK"),
                                       (s.tiff, "RGB")])
def test_rasters_decode_with_their_size_mode_and_dpi(tmp_path, make, mode):
    with Image.open(make(tmp_path, 30, 20, dpi=300)) as image:
        image.load()
        assert (image.size, image.mode) == ((30, 20), mode)
        assert tuple(round(v) for v in image.info["dpi"]) == (300, 300)


def test_a_large_png_stays_small_on_disk(tmp_path):
    path = s.png_rgb(tmp_path, 10_000, 10_000)  # 300 MB of pixels; deflate cannot beat ~1:1000
    assert read_ihdr(path) == (10_000, 10_000, 8, 2) and path.stat().st_size < 400_000


def test_svg_has_a_physical_size(tmp_path):
    assert s.svg_file(tmp_path).read_text().startswith('<svg xmlns="http://www.w3.org/2000/svg" width="216mm"')


# Hostile files: check they are what they claim without falling for them


def read_ihdr(path: Path) -> tuple[int, int, int, int]:
    """Width, height, bit depth and colour type from a PNG's first chunk, its CRC verified."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">I", data[29:33])[0] == zlib.crc32(data[12:29])
    return struct.unpack(">IIBB", data[16:26])


def test_forged_png_header_claims_100k_square(tmp_path):
    path = s.forged_png_header(tmp_path)
    assert read_ihdr(path) == (100_000, 100_000, 8, 2) and path.stat().st_size < 100


def test_png_bomb_is_small_valid_and_huge(tmp_path):
    path = s.png_decompression_bomb(tmp_path)
    assert read_ihdr(path) == (20_000, 20_000, 8, 0) and path.stat().st_size < 1_000_000
    first_rows = zlib.decompressobj().decompress(path.read_bytes()[41:], 3 * 20_001)  # IDAT data follows IHDR
    assert first_rows == bytes(3 * 20_001)
    with Image.open(s.png_decompression_bomb(tmp_path, 300, 200)) as small:  # same writer, decodable size
        small.load()
        assert small.size == (300, 200) and small.getextrema() == (0, 0)


def inflate_prefix(raw: bytes, limit: int) -> tuple[bytes, bool]:
    """At most `limit` inflated bytes and whether the stream ended."""
    inflater = zlib.decompressobj()
    return inflater.decompress(raw, limit), inflater.eof


def test_deflate_bomb_inflates_to_a_gibibyte_of_whitespace(tmp_path):
    with pikepdf.open(s.deflate_bomb_pdf(tmp_path)) as pdf:
        contents = pdf.pages[0].Contents
        raw = contents.read_raw_bytes()
        assert contents.Filter == "/FlateDecode" and len(raw) < 2_000_000
        assert inflate_prefix(raw, 1 << 20) == (bytes(1 << 20), False)


@pytest.mark.parametrize("where", ["content", "image"])
def test_small_deflate_bombs_inflate_exactly(tmp_path, where):
    size = (3 << 20) + 16_384 * 3  # not a multiple of the 16 MiB chunk nor of a row
    with pikepdf.open(s.deflate_bomb_pdf(tmp_path, decoded_bytes=size, where=where)) as pdf:
        stream = pdf.pages[0].Contents if where == "content" else pdf.pages[0].Resources.XObject.Im0
        assert len(stream.read_bytes()) == size


def test_truncated_and_garbage_pdfs(tmp_path):
    source = s.good_poster(tmp_path)
    cut = s.truncated_pdf(tmp_path, source)
    assert cut.read_bytes() == source.read_bytes()[: source.stat().st_size // 2]
    garbage = s.not_a_pdf(tmp_path)
    assert garbage.read_bytes().startswith(b"%PDF-")
    with pytest.raises(pikepdf.PdfError):
        pikepdf.open(garbage)


def warnings_opening(path: Path) -> str:
    """What qpdf complains about while reading every page's content."""
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            page.Contents.read_bytes()
        return " ".join(pdf.get_warnings())


def test_loops_are_real(tmp_path):
    with pytest.raises(pikepdf.PdfError, match="Loop detected in /Pages"):
        pikepdf.open(s.cyclic_page_tree_pdf(tmp_path)).pages[0]
    assert "loop detected following xref tables" in warnings_opening(s.looping_xref_pdf(tmp_path))
    assert "loop detected resolving object 4 0" in warnings_opening(s.self_referencing_length_pdf(tmp_path))
    with pikepdf.open(s.self_drawing_form_pdf(tmp_path)) as pdf:
        form = pdf.pages[0].Resources.XObject.Fx0
        assert form.Resources.XObject.Fx0.objgen == form.objgen and b"/Fx0 Do" in form.read_bytes()


def test_deep_nesting_has_the_requested_depth(tmp_path):
    with pikepdf.open(s.deep_nesting_pdf(tmp_path)) as pdf:
        resources, depth = pdf.pages[0].Resources, 0
        while "/XObject" in resources:
            resources, depth = resources.XObject.Fx.Resources, depth + 1
        assert depth == 200


@pytest.mark.parametrize("operators", [1_000, 2_000_000])
def test_many_operators(tmp_path, operators):
    with pikepdf.open(s.many_operators_pdf(tmp_path, operators)) as pdf:
        contents = pdf.pages[0].Contents
        assert len(contents.read_raw_bytes()) < 100_000 and contents.read_bytes().count(b" m\n") == operators


def test_every_generator_has_a_one_line_docstring():
    generators = [value for name, value in vars(s).items() if inspect.isfunction(value) and not name.startswith("_")
                  and value.__module__ == s.__name__ and next(iter(inspect.signature(value).parameters)) == "dest"]
    assert len(generators) > 40
    assert [g.__name__ for g in generators if not g.__doc__ or "\n" in g.__doc__] == []
