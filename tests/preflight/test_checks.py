"""Preflight verdicts on generated files, each read through the sandbox as the pipeline reads them."""

from __future__ import annotations

import pytest

from platen.preflight.checks import ProductSpec, evaluate
from platen.preflight.sandbox import inspect_file
from tests.preflight import samples

A4_POSTER = ProductSpec("Poster A4", ("pdf", "png", "jpeg", "tiff"), 210, 297, 3, 300, 1, 1)
PHOTO_BOOK = ProductSpec("Photo book", ("pdf",), 200, 200, 3, 300, 24, 24)
A6_CARD = ProductSpec("Greeting card A6", ("pdf",), 210, 148, 3, 300, 1, 2, sides=2)


def check(path, spec=A4_POSTER):
    return evaluate(inspect_file(path), spec)


def failed(report) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in report.failures:
        out.setdefault(c.check, []).append(c)
    return out


@pytest.mark.parametrize("sample", [
    "good_poster", "rotated_landscape", "user_unit", "trimbox_with_bleed", "cmyk_and_transparency",
    "invisible_ocr_text", "unused_font_in_resources", "empty_string_font", "font_in_unused_pattern",
    "font_in_hidden_annotation", "type3_only", "self_drawing_form_pdf",
])
def test_files_that_are_fine_pass(tmp_path, sample):
    report = check(getattr(samples, sample)(tmp_path))
    assert report.passed, [c.message for c in report.failures]


@pytest.mark.parametrize("sample, message", [
    ("no_bleed_poster", "Page 1 is 210 x 297 mm, the trim size without bleed; Poster A4 needs 216 x 303 mm"),
    ("wrong_size", "Page 1 has a trim box of 148 x 210 mm; Poster A4 needs 216 x 303 mm"),
    ("rotated_wrong", "The page is turned: export it in the product's orientation."),
    ("trimbox_without_bleed", "Page 1 has 0 mm of bleed around the trim box"),
])
def test_page_size_honours_boxes_rotation_and_bleed(tmp_path, sample, message):
    report = check(getattr(samples, sample)(tmp_path))
    assert list(failed(report)) == ["page_size"]
    assert message in failed(report)["page_size"][0].message
    assert failed(report)["page_size"][0].page == 1


def test_page_count_against_the_product(tmp_path):
    assert check(samples.multi_page(tmp_path, 24), PHOTO_BOOK).passed
    report = check(samples.multi_page(tmp_path, 22), PHOTO_BOOK)
    assert [c.message for c in report.failures] == [
        "The file has 22 pages; Photo book needs 24 pages: export exactly the pages to print, in page order."]
    card = check(samples.single_page_card(tmp_path), A6_CARD)  # 4/4 card, blank inside: one page is fine...
    assert card.passed
    # ...but said, as a warning: the product prints both sides.
    [note] = [c for c in card.checks if c.check == "page_count"]
    assert note.severity == "warning" and note.message == (
        "Greeting card A6 is printed on both sides, but the file has 1 page: the back stays blank. "
        "If it should be printed, add it as page 2.")
    two = check(samples.multi_page(tmp_path, 2, samples.FOLDED_CARD_A6), A6_CARD)
    assert [c.severity for c in two.checks if c.check == "page_count"] == ["error"] and two.passed
    assert not check(samples.multi_page(tmp_path, 3, (210, 148)), A6_CARD).passed


@pytest.mark.parametrize("sample, ppi, size", [
    ("low_res_image_large", 25, "100 x 100 px at 101.6 x 101.6 mm"),
    ("image_scaled_by_form_matrix", 72, "600 x 600 px at 211.7 x 211.7 mm"),  # 288 ppi if the form's /Matrix were ignored
    ("image_in_nested_forms", 75, "600 x 600 px at 203.2 x 203.2 mm"),
    ("inline_image_low_res", 5, "10 x 10 px at 50.8 x 50.8 mm"),
])
def test_effective_resolution_follows_the_transformation_matrix(tmp_path, sample, ppi, size):
    report = check(getattr(samples, sample)(tmp_path), A4_POSTER)
    [low] = failed(report)["resolution"]
    assert low.page == 1
    assert low.message == (f"Page 1 places an image of {size}, which is {ppi} ppi; Poster A4 needs at least 300 ppi: "
                           "use a higher-resolution image or place it smaller.")


def test_a_form_without_resources_draws_each_pages_images(tmp_path):
    facts = inspect_file(samples.form_without_resources(tmp_path))
    assert [(row[0], row[1], round(row[3])) for row in facts["images"]] == [(1, 100, 100), (2, 300, 300), (3, 600, 600)]


@pytest.mark.parametrize("sample", [
    "visible_text_after_ocr", "font_only_in_tiling_pattern", "font_in_form_xobject", "font_in_annotation_appearance",
    "type3_font_with_nested_font", "font_via_extgstate",
])
def test_used_fonts_wherever_they_hide_must_be_embedded(tmp_path, sample):
    report = check(getattr(samples, sample)(tmp_path), None)
    assert [(c.check, c.page, c.message) for c in report.failures] == [
        ("fonts", 1, "Page 1 uses the font Helvetica, which is not embedded: embed all fonts when exporting the PDF "
                     "(or convert the text to outlines).")]


@pytest.mark.parametrize("sample, message", [
    ("encrypted_user_password", "The PDF is locked with a password, so it cannot be printed: export it again without a password."),
    ("encrypted_owner_only", "The PDF is encrypted (it has security restrictions): export it again without security settings."),
])
def test_encrypted_files_fail(tmp_path, sample, message):
    report = check(getattr(samples, sample)(tmp_path))
    assert [(c.check, c.message) for c in report.failures] == [("encryption", message)]
    assert report.readable


def test_colour_and_transparency_are_information(tmp_path):
    report = check(samples.cmyk_and_transparency(tmp_path))
    notes = {c.check: c for c in report.checks if c.severity == "info"}
    assert report.passed
    assert "CMYK" in notes["colour"].message
    assert notes["transparency"].message.startswith("Transparency on page 1")


def test_without_a_product_only_product_free_checks_run(tmp_path):
    report = check(samples.low_res_image_large(tmp_path), None)
    assert report.passed  # a 25 ppi image is only wrong for a product
    assert [c.check for c in report.checks] == ["readable", "format", "encryption", "fonts", "colour", "transparency"]


@pytest.mark.parametrize("maker, spec, verdict, message", [
    (lambda d: samples.png_rgb(d, 2551, 3579), A4_POSTER, True, "The image prints at 300 ppi (at least 300 ppi needed)."),
    (lambda d: samples.png_rgb(d, 1276, 1790), A4_POSTER, False,
     "The image is 1276 x 1790 px, which prints at 150 ppi on Poster A4; it needs at least 300 ppi (2551 x 3579 px): use a larger image."),
    (lambda d: samples.png_rgb(d, 3579, 2551), A4_POSTER, False, "The image is turned: rotate it to the product's orientation."),
    (lambda d: samples.jpeg_cmyk(d, 2600, 3677), A4_POSTER, True,
     "about 3 mm is cut from each edge"),  # trim proportions: enlarged over the bleed, a warning
    (lambda d: samples.jpeg_cmyk(d, 2480, 3508), A4_POSTER, False,
     "prints at 292 ppi"),  # A4 at 300 ppi, enlarged over the bleed
    (lambda d: samples.tiff(d, 1000, 1000, dpi=1200), A4_POSTER, False, "proportions"),  # its DPI tag does not make it fit
])
def test_rasters_fill_the_product(tmp_path, maker, spec, verdict, message):
    report = check(maker(tmp_path), spec)
    assert report.passed is verdict
    assert any(message in c.message for c in report.checks if c.check in ("resolution", "aspect_ratio"))


def test_wrong_proportions_do_not_hide_low_resolution(tmp_path):
    """Every problem in one round: a square, small image for a portrait poster fails both checks at once."""
    report = check(samples.png_rgb(tmp_path, 1000, 1000), A4_POSTER)
    assert sorted(failed(report)) == ["aspect_ratio", "resolution"]
    [low] = failed(report)["resolution"]
    assert "prints at 84 ppi on Poster A4" in low.message
    # Enough pixels for the product's longer side: only the proportions are wrong.
    assert sorted(failed(check(samples.png_rgb(tmp_path, 3600, 3600), A4_POSTER))) == ["aspect_ratio"]


def test_alpha_channel_is_noted(tmp_path):
    report = check(samples.png_rgba(tmp_path, 2551, 3579))
    assert [c.message for c in report.checks if c.check == "transparency"] == [
        "The image has an alpha channel: transparent areas print as the material's colour."]


def test_formats_the_product_does_not_take_fail_and_svg_is_refused(tmp_path):
    report = check(samples.png_rgb(tmp_path, 2551, 3579), PHOTO_BOOK)
    assert failed(report)["format"][0].message == \
        "Photo book is printed from PDF files; this file is a PNG: export the design as PDF."
    svg = check(samples.svg_file(tmp_path))
    assert [c.check for c in svg.failures] == ["format"]
    assert svg.failures[0].message.startswith("SVG files are not printed directly")


def test_a_long_pdf_read_in_parts_gives_the_facts_of_one_reading(tmp_path):
    from platen.preflight.limits import LIMITS
    from platen.preflight.pdf import SPLIT_FROM_PAGES, inspect_pdf, merge_parts

    b = samples.PdfBuilder()
    helvetica, image = b.standard_font(), b.image(200, 200)
    pages = SPLIT_FROM_PAGES + 11
    for n in range(1, pages + 1):  # boxes change mid-file, a font on every 7th page, an image everywhere
        trim = (200, 200) if n < pages // 2 + 3 else (210, 297)
        text = samples.text("F1", 9, 30, 30, f"page {n}") if n % 7 == 0 else b""
        b.add_bled_page(trim, samples.draw("Im0", 72, 72, 36 + n, 36 + n) + text,
                        {"/XObject": {"/Im0": image}, "/Font": {"/F1": helvetica}})
    path = b.save(tmp_path / "long.pdf")
    parted, whole = inspect_file(path), inspect_pdf(path, LIMITS)
    parted.pop("stats")
    assert parted == merge_parts([whole])  # merging one part only drops the fonts' internal keys
    assert [(g["first"], g["last"]) for g in parted["pages"]] == [(1, pages // 2 + 2), (pages // 2 + 3, pages)]
    assert parted["fonts"][0]["first_page"] == 7 and parted["fonts"][0]["pages"] == pages // 7


TSHIRT = ProductSpec("Classic t-shirt", ("png", "pdf"), 300, 400, 0, 150, 1, 1, fit=True)


def test_apparel_designs_are_scaled_to_fit_the_print_area(tmp_path):
    logo = check(samples.png_rgba(tmp_path, 3000, 1000), TSHIRT)  # any proportions: a wide logo
    assert logo.passed
    assert "The design prints at 300 x 100 mm, scaled to fit the 300 x 400 mm print area." in [c.message for c in logo.checks]
    small = check(samples.png_rgb(tmp_path, 600, 200), TSHIRT)  # 600 px over 300 mm: 51 ppi
    assert [c.check for c in small.failures] == ["resolution"]
    assert "prints at 51 ppi" in small.failures[0].message
    # A PDF page is scaled too, and its images with it: an A4 page (trim 210 x 297 mm) grows by 400/297 = 1.35,
    # so a 320 ppi image prints at 238 ppi, still above 150, and a 25 ppi one (100 px over 4 inches) at 19.
    assert check(samples.good_poster(tmp_path), TSHIRT).passed
    [low] = failed(check(samples.low_res_image_large(tmp_path), TSHIRT))["resolution"]
    assert low.page == 1 and "100 x 100 px at 136.8 x 136.8 mm, which is 19 ppi" in low.message


@pytest.mark.django_db
def test_a_two_sided_products_spec_knows_its_sides():
    from platen.catalog.models import Product
    from platen.preflight.services import spec_for

    card = Product.objects.get(uid="cards_pf_a6_pt_350-gsm-coated-silk_cl_4-4_ft_fold-ver")
    assert card.sides == 2
    assert (spec_for(card).sides, spec_for(card).max_pages) == (2, 2)
    assert spec_for(card, file_type="front").sides == 1  # a file that names its side is one page of one side
