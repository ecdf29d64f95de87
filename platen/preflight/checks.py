"""Judging a file's facts against the product it is printed on. Pure functions: facts in, report out.

Without a product (`platen preflight FILE`) only the checks that need none run: readable, format,
encryption and fonts.
"""

from __future__ import annotations

from dataclasses import dataclass

from platen.preflight.inspection import IMAGE_FIELDS
from platen.preflight.report import Check, Report, fail, info, ok, warn

PRINTABLE = ("pdf", "png", "jpeg", "tiff")
SIZE_TOLERANCE_MM = 1.0  # exports round page sizes to points or pixels
ASPECT_TOLERANCE = 0.004  # pixel rounding; A4 with and without 3 mm bleed differ by 0.8 %
MAX_ENTRIES = 10  # per check: a 1000-page file with one problem per page gets ten sentences and a summary
_FORMAT_NAMES = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "svg": "SVG"}


@dataclass(frozen=True)
class ProductSpec:
    """What a product needs of one print file."""
    name: str
    file_types: tuple[str, ...]
    width_mm: float  # trim size
    height_mm: float
    bleed_mm: float  # on every side
    min_ppi: int
    min_pages: int
    max_pages: int
    page_step: int = 1
    fit: bool = False  # apparel: the artwork is scaled to fit the print area, any proportions; else it fills the product
    sides: int = 1  # printed sides of a single-page product whose file carries them all (one page per side)

    @property
    def area(self) -> tuple[float, float]:
        """The trim size (on apparel: the print area)."""
        return self.width_mm, self.height_mm

    @property
    def bleed_size(self) -> tuple[float, float]:
        return self.width_mm + 2 * self.bleed_mm, self.height_mm + 2 * self.bleed_mm


def evaluate(facts: dict, spec: ProductSpec | None) -> Report:
    if "unreadable" in facts:
        return Report((fail("readable", facts["unreadable"]),))
    kind = facts["format"]
    checks = [*_readable(facts), _format(kind, spec)]
    if kind not in PRINTABLE:  # SVG: refused without being read
        return Report(tuple(checks))
    if kind == "pdf":
        checks.append(_encryption(facts))
        if facts.get("needs_password"):
            return Report(tuple(checks))
        if spec:
            checks += [_page_count(facts, spec), *_page_sizes(facts, spec)]
        checks += _fonts(facts)
        if spec:
            checks += _pdf_resolution(facts, spec)
    elif spec:
        checks += [_page_count(facts, spec), *_raster_fit(facts, spec)]
    checks += _colour_and_transparency(facts)
    return Report(tuple(checks))


def _readable(facts: dict) -> list[Check]:
    kind = _FORMAT_NAMES.get(facts["format"], facts["format"])
    if facts.get("repairs") and not facts.get("damaged"):
        return [*_readable({**facts, "repairs": None}),
                warn("readable", f"The PDF has small errors that readers repair ({facts['repairs'][0]}): "
                                 "if the proof looks wrong, export it again.")]
    if facts.get("damaged"):
        return [fail("readable", f"The PDF is damaged ({facts['damaged']}); it could only be read after repairs, "
                                 "so parts may be missing in print: export it again.")]
    if facts["format"] == "svg":
        return [ok("readable", "The file is an SVG drawing.")]
    if facts["format"] == "pdf":
        if facts.get("needs_password"):
            return [ok("readable", "The file is a PDF, locked with a password.")]
        pages = facts["page_count"]
        return [ok("readable", f"The file is a readable PDF with {pages} page{'s' if pages != 1 else ''}.")]
    return [ok("readable", f"The file is a readable {kind} image of {facts['width']} x {facts['height']} px.")]


def _format(kind: str, spec: ProductSpec | None) -> Check:
    name = _FORMAT_NAMES.get(kind, kind)
    if kind == "svg":
        return fail("format", "SVG files are not printed directly (drawing one may load fonts and images from the web): "
                              "export the design as a PDF, or as a PNG at the product's print resolution.")
    allowed = spec.file_types if spec else PRINTABLE
    if kind in allowed:
        return ok("format", f"{name} is accepted" + (f" for {spec.name}." if spec else "."))
    listed = " or ".join(_FORMAT_NAMES[t] for t in allowed)
    return fail("format", f"{spec.name} is printed from {listed} files; this file is a {name}: export the design as {listed}.")


def _encryption(facts: dict) -> Check:
    if facts.get("needs_password"):
        return fail("encryption", "The PDF is locked with a password, so it cannot be printed: export it again without a password.")
    if facts.get("encrypted"):
        return fail("encryption", "The PDF is encrypted (it has security restrictions): export it again without security settings.")
    return ok("encryption", "The PDF is not encrypted.")


def _page_count(facts: dict, spec: ProductSpec) -> Check:
    pages = facts.get("page_count", 1)
    low, high, step = spec.min_pages, spec.max_pages, spec.page_step
    if low <= pages <= high and (pages - low) % step == 0:
        if spec.sides == 2 and pages == 1:
            return warn("page_count", f"{spec.name} is printed on both sides, but the file has 1 page: the back stays "
                                      "blank. If it should be printed, add it as page 2.")
        return ok("page_count", f"The file has {_pages(pages)}, as {spec.name} needs.")
    if low == high:
        need = _pages(low)
    elif step > 1:
        need = f"{low} to {high} pages in steps of {step}"
    else:
        need = f"{low} to {high} pages"
    return fail("page_count", f"The file has {_pages(pages)}; {spec.name} needs {need}: "
                              f"export exactly the pages to print{', in page order' if high > 2 else ''}.")


def _page_sizes(facts: dict, spec: ProductSpec) -> list[Check]:
    if spec.fit:
        return _capped([_fitted_page(group, spec) for group in facts["pages"]], "page sizes")
    wrong = [c for group in facts["pages"] if (c := _page_size(group, spec)) is not None]
    if not wrong:
        w, h = spec.bleed_size
        return [ok("page_size", f"Every page is {_mm(*spec.area)} plus {spec.bleed_mm:g} mm bleed "
                                f"({_mm(w, h)}).")]
    return _capped(wrong, "pages have the wrong size")


def _page_size(group: dict, spec: ProductSpec) -> Check | None:
    """One check for a run of pages with the same boxes (facts["pages"] groups them)."""
    trim = group["trim_mm"]
    first, last = group["first"], group["last"]
    pages, has = (f"Page {first}", "has") if first == last else (f"Pages {first}-{last}", "have")
    need = f"{spec.name} needs {_mm(*spec.bleed_size)}: {_mm(*spec.area)} plus {spec.bleed_mm:g} mm bleed on every side"
    if group["has_trim_box"]:
        if not _close(trim, spec.area):
            return fail("page_size", f"{pages} {has} a trim box of {_mm(*trim)}; {need}. {_orientation_hint(trim, spec)}", first)
        if group["bleed_margin_mm"] + SIZE_TOLERANCE_MM < spec.bleed_mm:
            return fail("page_size", f"{pages} {has} {group['bleed_margin_mm']:g} mm of bleed around the trim box; {need}: "
                                     "extend the background beyond the trim and export with bleed.", first)
        return None
    if _close(trim, spec.bleed_size):
        return None
    measures = f"{pages} {'is' if first == last else 'are'} {_mm(*trim)}"
    if spec.bleed_mm and _close(trim, spec.area):
        return fail("page_size", f"{measures}, the trim size without bleed; {need}: "
                                 "extend the background beyond the edges and export with bleed.", first)
    return fail("page_size", f"{measures}; {need}. {_orientation_hint(trim, spec)}", first)


def _fitted_page(group: dict, spec: ProductSpec) -> Check:
    printed = _fitted(group["trim_mm"], spec)
    pages = f"Page {group['first']}" if group["first"] == group["last"] else f"Pages {group['first']}-{group['last']}"
    return ok("page_size", f"{pages} ({_mm(*group['trim_mm'])}) print{'s' if group['first'] == group['last'] else ''} at "
                           f"{_mm(*printed)}, scaled to fit the {_mm(*spec.area)} print area.", group["first"])


def _fitted(size, spec: ProductSpec) -> tuple[float, float]:
    """The printed size of artwork of `size` (mm or px) scaled to fit the print area, proportions kept."""
    scale = min(spec.width_mm / size[0], spec.height_mm / size[1])
    return size[0] * scale, size[1] * scale


def _orientation_hint(size, spec: ProductSpec) -> str:
    turned = (size[1], size[0])
    if _close(turned, spec.bleed_size) or _close(turned, spec.area):
        return "The page is turned: export it in the product's orientation."
    return "Set the document size to the product's size."


def _fonts(facts: dict) -> list[Check]:
    fonts = facts["fonts"]
    missing = [f for f in fonts if not f["embedded"]]
    if missing:
        return _capped([fail("fonts", f"Page {f['first_page']} uses the font {f['name']}, which is not embedded: "
                                      "embed all fonts when exporting the PDF (or convert the text to outlines).",
                             f["first_page"]) for f in missing], "fonts are not embedded")
    if not fonts:
        return [ok("fonts", "The PDF draws no text, so it needs no fonts.")]
    return [ok("fonts", "The font used is embedded." if len(fonts) == 1 else f"All {len(fonts)} fonts used are embedded.")]


def _pdf_resolution(facts: dict, spec: ProductSpec) -> list[Check]:
    placements = facts["images"]
    if not placements:
        return [ok("resolution", "The PDF places no images (vector artwork prints at any size).")]
    if spec.fit:  # pages are scaled to the print area, and their images with them
        scales = {n: _fitted(g["trim_mm"], spec)[0] / g["trim_mm"][0]
                  for g in facts["pages"] for n in range(g["first"], g["last"] + 1)}
        placements = [[page, w, h, x / scales[page], y / scales[page]] for page, w, h, x, y in placements]
    low = [dict(zip(IMAGE_FIELDS, row, strict=True)) for row in placements if _below(min(row[3], row[4]), spec)]
    if low:
        return _capped([fail("resolution", _low_image(i, spec), i["page"]) for i in low], f"images are below {spec.min_ppi} ppi")
    lowest = min(min(row[3], row[4]) for row in placements)
    return [ok("resolution", f"All {len(placements)} placed images are at least {spec.min_ppi} ppi (lowest {lowest:.0f} ppi).")]


def _low_image(image: dict, spec: ProductSpec) -> str:
    ppi = min(image["ppi_x"], image["ppi_y"])
    w_mm, h_mm = image["width"] / image["ppi_x"] * 25.4, image["height"] / image["ppi_y"] * 25.4
    return (f"Page {image['page']} places an image of {image['width']} x {image['height']} px at {_mm(w_mm, h_mm)}, "
            f"which is {ppi:.0f} ppi; {spec.name} needs at least {spec.min_ppi} ppi: use a higher-resolution image "
            "or place it smaller.")


def _raster_fit(facts: dict, spec: ProductSpec) -> list[Check]:
    """A raster has no physical size of its own (its DPI tag is only metadata): it fills the product, or, on
    apparel, is scaled to fit the print area."""
    w, h = facts["width"], facts["height"]
    if spec.fit:
        printed = _fitted((w, h), spec)
        return [ok("aspect_ratio", f"The design prints at {_mm(*printed)}, scaled to fit the {_mm(*spec.area)} print area."),
                _raster_resolution(w, h, printed, spec)]
    with_bleed, trim = spec.bleed_size, spec.area
    if _same_aspect((w, h), with_bleed):
        printed = with_bleed
        fit = ok("aspect_ratio", f"The image has the proportions of {spec.name}" + (" with bleed." if spec.bleed_mm else "."))
    elif spec.bleed_mm and _same_aspect((w, h), trim):
        printed = with_bleed
        fit = warn("aspect_ratio", f"The image has the proportions of {spec.name} without bleed: it is enlarged to cover the "
                            f"{spec.bleed_mm:g} mm bleed, so about {spec.bleed_mm:g} mm is cut from each edge.")
    else:
        hint = " The image is turned: rotate it to the product's orientation." if _same_aspect((h, w), with_bleed) \
            or _same_aspect((h, w), trim) else ""
        # Resolution is judged too (as if cropped to cover the product), so one round reports every problem.
        printed = with_bleed
        fit = fail("aspect_ratio", f"The image is {w} x {h} px (proportions {w / h:.3f}); {spec.name} needs the "
                                   f"proportions of {_mm(*with_bleed)} ({with_bleed[0] / with_bleed[1]:.3f}): crop or "
                                   f"extend it.{hint}")
    return [fit, _raster_resolution(w, h, printed, spec)]


def _raster_resolution(w: int, h: int, printed: tuple[float, float], spec: ProductSpec) -> Check:
    ppi = min(w / (printed[0] / 25.4), h / (printed[1] / 25.4))
    if _below(ppi, spec):
        need_w, need_h = (round(s / 25.4 * spec.min_ppi) for s in printed)
        return fail("resolution", f"The image is {w} x {h} px, which prints at {ppi:.0f} ppi on {spec.name}; it needs "
                                  f"at least {spec.min_ppi} ppi ({need_w} x {need_h} px): use a larger image.")
    return ok("resolution", f"The image prints at {ppi:.0f} ppi (at least {spec.min_ppi} ppi needed).")


def _colour_and_transparency(facts: dict) -> list[Check]:
    spaces = facts.get("colour_spaces") or []
    colour = info("colour", f"Colours: {', '.join(spaces)}." + (" RGB is converted to the printer's CMYK." if any("RGB" in s for s in spaces) else "")
                  if spaces else "No colour information (the file draws nothing coloured).")
    if facts["format"] == "pdf":
        pages = facts.get("transparency_pages") or []
        transparency = info("transparency", f"Transparency on page{'s' if len(pages) > 1 else ''} "
                                            f"{_list(pages)}: it is flattened when printed; check the proof.",
                            pages[0]) if pages else info("transparency", "No transparency.")
    else:
        transparency = info("transparency", "The image has an alpha channel: transparent areas print as the material's colour."
                            if facts.get("alpha") else "No transparency.")
    return [colour, transparency]


def _capped(entries: list[Check], what: str) -> list[Check]:
    if len(entries) <= MAX_ENTRIES:
        return entries
    rest = entries[MAX_ENTRIES:]
    pages = sorted({c.page for c in rest if c.page})
    return [*entries[:MAX_ENTRIES], fail(entries[0].check, f"{len(rest)} more {what}" + (f" (pages {_list(pages)})." if pages else "."))]


def _below(ppi: float, spec: ProductSpec) -> bool:
    return round(ppi) < spec.min_ppi  # 2551 px across 216 mm is 299.97 ppi: what every calculator calls 300


def _close(size, expected) -> bool:
    return abs(size[0] - expected[0]) <= SIZE_TOLERANCE_MM and abs(size[1] - expected[1]) <= SIZE_TOLERANCE_MM


def _same_aspect(pixels, size_mm) -> bool:
    return abs(pixels[0] / pixels[1] / (size_mm[0] / size_mm[1]) - 1) <= ASPECT_TOLERANCE


def _mm(w: float, h: float) -> str:
    return f"{w:.1f} x {h:.1f} mm".replace(".0 x", " x").replace(".0 mm", " mm")


def _pages(n: int) -> str:
    return f"{n} page{'s' if n != 1 else ''}"


def _list(numbers: list[int], most: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:most])
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")
