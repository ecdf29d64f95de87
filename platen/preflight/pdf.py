"""What a PDF contains that print cares about: page boxes, used fonts, placed images, colour, transparency.

Reads the file with pikepdf (qpdf) and interprets content streams just far enough to know which fonts draw
visible text and at what scale every image lands on the page (reference/preflight.md). Form XObjects,
tiling patterns, Type3 glyph procedures and annotation appearances are followed; each distinct stream is
parsed once and its result reused, with image placements kept relative to the stream's own space so a
form drawn on every page costs one parse. Returns plain "facts" (JSON-able); checks.py judges them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name, Stream

from platen.preflight.limits import LimitExceeded, Limits, Unreadable

MM_PER_PT = 25.4 / 72
Part = tuple[int, int]  # (index, count): which of `count` contiguous page ranges to read
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_OPERATORS = "q Q cm Tf Tr Tj TJ ' \" Do gs scn SCN cs CS BI ID EI"
_DEVICE_COLOUR_OPERATORS = {"RGB": "rg RG", "CMYK": "k K", "Gray": "g G"}
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_MAX_STATE_STACK = 10_000
_DEVICE = {"/DeviceRGB": "RGB", "/RGB": "RGB", "/CalRGB": "RGB", "/DeviceCMYK": "CMYK", "/CMYK": "CMYK",
           "/DeviceGray": "Gray", "/G": "Gray", "/CalGray": "Gray", "/Lab": "Lab", "/Separation": "Spot",
           "/DeviceN": "DeviceN", "/Indexed": "Indexed", "/I": "Indexed", "/Pattern": "Pattern"}
_ICC_BY_COMPONENTS = {1: "Gray", 3: "RGB", 4: "CMYK"}

SHOW, SAVE, RESTORE, CONCAT, DRAW, FONT, RENDER_MODE, STATE, FILL, SPACE, INLINE = (
    "show", "save", "restore", "concat", "draw", "font", "render mode", "state", "fill", "space", "inline")
_DISPATCH = {"Tj": SHOW, "TJ": SHOW, "'": SHOW, '"': SHOW, "q": SAVE, "Q": RESTORE, "cm": CONCAT, "Do": DRAW,
             "Tf": FONT, "Tr": RENDER_MODE, "gs": STATE, "scn": FILL, "SCN": FILL, "cs": SPACE, "CS": SPACE,
             "INLINE IMAGE": INLINE, "rg": "RGB", "RG": "RGB", "k": "CMYK", "K": "CMYK", "g": "Gray", "G": "Gray"}


SPLIT_FROM_PAGES = 64  # longer files are read by two processes, a half each (Part), on two cores


def inspect_pdf(path: Path, limits: Limits, part: Part = (0, 1)) -> dict:
    """Facts of the whole file, or, with part=(i, n), of the i-th of n page ranges (merge them with merge_parts).
    A file shorter than SPLIT_FROM_PAGES is read whole by part 0; the other parts then say only the page count."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return {"format": "pdf", "encrypted": True, "needs_password": True}
    except pikepdf.PdfError as exc:
        raise Unreadable(f"The file is not a readable PDF ({_short(exc, path)}): export it again from your design program.") from exc
    with pdf:
        if int(pdf.trailer.get("/Size", 0)) > limits.max_objects:  # the highest object number + 1
            raise LimitExceeded(f"The PDF has more than {limits.max_objects:,} objects; simplify or flatten it and export again.")
        pages = pdf.pages
        if len(pages) > limits.max_pages:
            raise LimitExceeded(f"The PDF has {len(pages):,} pages; Platen checks files of up to {limits.max_pages:,} pages.")
        first, last = _page_range(len(pages), part)
        inherited = _Inherited()
        scan = _Scan(limits, inherited)
        page_groups: list[dict] = []  # runs of pages with the same boxes: most files have one
        for number in range(first, last + 1):
            page = pages[number - 1].obj
            boxes = _page_boxes(page, inherited)
            if page_groups and all(page_groups[-1][k] == v for k, v in boxes.items()):
                page_groups[-1]["last"] = number
            else:
                page_groups.append({"first": number, "last": number, **boxes})
            scan.page(number, page)
        warnings = [_short(w, path) for w in pdf.get_warnings()]
        # A lost cross-reference table (a truncated or overwritten file) is damage; other repairs are routine.
        damage = [w for w in warnings if "damaged" in w or "reconstruct" in w]
        return {
            "format": "pdf",
            "encrypted": pdf.is_encrypted,
            "damaged": damage[0] if damage else None,
            "repairs": [w for w in warnings if w not in damage][:5],
            "page_count": len(pages),
            "pages": page_groups,
            **scan.facts(),
        }


# --- page boxes ---------------------------------------------------------------------------------------

def _page_boxes(page: Dictionary, inherited: _Inherited) -> dict:
    media = _rect(inherited(page, "/MediaBox")) or (0.0, 0.0, 612.0, 792.0)  # US Letter: the spec's default
    crop = _rect(inherited(page, "/CropBox")) or media
    trim_box, bleed_box = _rect(page.get("/TrimBox")), _rect(page.get("/BleedBox"))
    trim, bleed = trim_box or crop, bleed_box or crop
    rotate = int(inherited(page, "/Rotate") or 0) % 360
    unit = float(page.get("/UserUnit", 1.0)) * MM_PER_PT
    margin = min(trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
    return {
        "trim_mm": _size(trim, rotate, unit),
        "bleed_mm": _size(bleed, rotate, unit),
        "bleed_margin_mm": round(max(margin, 0.0) * unit, 2),
        "has_trim_box": trim_box is not None,
        "rotate": rotate,
    }


class _Inherited:
    """Page attributes MediaBox, CropBox, Rotate and Resources may sit on an ancestor in the page tree; what an
    ancestor holds is looked up once, not once per page."""

    def __init__(self):
        self.known: dict = {}  # (ancestor objgen, key) -> value

    def __call__(self, page: Dictionary, key: str):
        value = page.get(key)
        return value if value is not None else self.ancestor(page.get("/Parent"), key, 0)

    def ancestor(self, node, key: str, depth: int):
        if not isinstance(node, Dictionary) or depth > 64:  # the bound also ends a cyclic /Parent chain
            return None
        memo = (node.objgen, key)
        if memo not in self.known:
            value = node.get(key)
            self.known[memo] = value if value is not None else self.ancestor(node.get("/Parent"), key, depth + 1)
        return self.known[memo]


def _rect(value) -> tuple[float, float, float, float] | None:
    """The box normalised (any two opposite corners are allowed), or None when it is not one."""
    if not isinstance(value, pikepdf.Array) or len(value) != 4:
        return None
    try:
        box = pikepdf.Rectangle(value)  # in C++: several times faster than converting four numbers here
    except (TypeError, ValueError, pikepdf.PdfError):
        return None  # not numbers: as if the box were missing
    return box.llx, box.lly, box.urx, box.ury


def _size(box, rotate: int, unit: float) -> list[float]:
    w, h = (box[2] - box[0]) * unit, (box[3] - box[1]) * unit
    if rotate in (90, 270):
        w, h = h, w
    return [round(w, 2), round(h, 2)]


# --- content streams ----------------------------------------------------------------------------------

def _mul(m, n):
    """m x n for PDF matrices [a b c d e f] (row vectors: a point is transformed by m first, then n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _matrix(value) -> tuple:
    try:
        return tuple(float(v) for v in value) if value is not None and len(value) == 6 else IDENTITY
    except (TypeError, ValueError):
        return IDENTITY


@dataclass
class _Trace:
    """What one content stream does, relative to the space it starts in."""
    fonts: set = field(default_factory=set)  # keys of fonts that drew visible text
    images: list = field(default_factory=list)  # (image key, placement matrix)
    colours: set = field(default_factory=set)
    transparent: bool = False

    def merge(self, other: _Trace, matrix=None) -> None:
        self.fonts |= other.fonts
        self.colours |= other.colours
        self.transparent |= other.transparent
        if matrix is None:
            self.images.extend(other.images)
        else:
            self.images.extend((key, _mul(m, matrix)) for key, m in other.images)


class _Scan:
    def __init__(self, limits: Limits, inherited: _Inherited):
        self.limits = limits
        self.inherited = inherited
        self.operators = 0
        self.placements = 0
        self.font_objects: dict = {}  # font key -> font dictionary
        self.font_use: dict = {}  # font key -> [first page, pages]
        self.image_info: dict = {}  # image key -> (width, height, colour, has soft mask)
        self.forms: dict = {}  # form objgen -> (its /Matrix, its own /Resources or None)
        self.images: list[list] = []  # one row per placement: IMAGE_FIELDS
        self.colours: set[str] = set()
        self.transparency_pages: list[int] = []
        self.traces: dict = {}  # (stream, font, render mode, resources) -> _Trace
        self.type3: set = set()  # keys of Type3 fonts
        self.expanded_type3: set = set()

    # Pages

    def page(self, number: int, page: Dictionary) -> None:
        scope = _scope(self.inherited(page, "/Resources"), ("page", page.objgen))
        trace = self.stream(page, scope, None, 0, 0, ()) if "/Contents" in page else _Trace()
        for annotation in _printed_annotations(page):
            for appearance in _appearances(annotation):
                trace.merge(self.form(appearance, scope, None, 0, 1, ()), matrix=IDENTITY)
        self.expand_type3(trace, scope)
        group = page.get("/Group")
        if trace.transparent or (isinstance(group, Dictionary) and group.get("/S") == Name.Transparency):
            self.transparency_pages.append(number)
        self.colours |= trace.colours  # before the next page is read: see wanted_operators
        for key in trace.fonts:
            use = self.font_use.setdefault(key, [number, 0])
            use[1] += 1
        unit = float(page.get("/UserUnit", 1.0)) / 72  # inches per user-space unit
        for key, (a, b, c, d, _e, _f) in trace.images:
            width, height, colour, _ = self.image_info[key]
            self.colours.add(colour)
            w_in, h_in = math.hypot(a, b) * unit, math.hypot(c, d) * unit
            if w_in > 0 and h_in > 0:
                self.images.append([number, width, height, round(width / w_in, 1), round(height / h_in, 1)])

    def expand_type3(self, trace: _Trace, scope) -> None:
        """A Type3 font's glyphs are content streams: fonts they draw with are used too."""
        pending = [k for k in trace.fonts & self.type3 if k not in self.expanded_type3]
        while pending:
            key = pending.pop()
            self.expanded_type3.add(key)
            font = self.font_objects[key]
            procs = font.get("/CharProcs")
            own = _scope(font.get("/Resources"), ("type3", key), fallback=scope)
            for proc in (procs.values() if isinstance(procs, Dictionary) else ()):
                if isinstance(proc, Stream):
                    inner = self.stream(proc, own, None, 0, 1, ())
                    new = inner.fonts - trace.fonts
                    trace.fonts |= inner.fonts
                    pending += [k for k in new & self.type3 if k not in self.expanded_type3]

    # Streams. A scope is (resources dictionary, a key naming it stably for the cache of traces).

    def form(self, form: Stream, scope, font, mode: int, depth: int, active: tuple) -> _Trace:
        return self.stream(form, _scope(form.get("/Resources"), ("form", form.objgen), fallback=scope), font, mode, depth, active)

    def stream(self, content, scope, font, mode: int, depth: int, active: tuple) -> _Trace:
        if depth > self.limits.max_depth:
            raise LimitExceeded(f"The PDF nests forms or patterns more than {self.limits.max_depth} levels deep; flatten it and export again.")
        key = None
        if isinstance(content, Stream) and content.is_indirect:
            key = (content.objgen, font, mode, scope[1])
            if key in self.traces:
                return self.traces[key]
            if content.objgen in active:  # a form that draws itself: draw it once
                return _Trace()
            active = (*active, content.objgen)
        trace = self._interpret(content, scope, font, mode, depth, active)
        if key is not None:
            self.traces[key] = trace
        return trace

    def _interpret(self, content, scope, font, mode: int, depth: int, active: tuple) -> _Trace:
        try:
            instructions = pikepdf.parse_content_stream(content, self.wanted_operators())
        except pikepdf.PdfError as exc:
            raise Unreadable(f"A content stream of the PDF cannot be read ({_short(exc)}): export the file again.") from exc
        self.operators += len(instructions)
        if self.operators > self.limits.max_operators:
            raise LimitExceeded(f"The PDF has more than {self.limits.max_operators:,} drawing operators; simplify or flatten it.")
        lookup = _Resources(scope[0])
        trace = _Trace()
        ctm, stack = IDENTITY, []
        # Attribute access and a dispatch on the operator's name: unpacking instructions or comparing pikepdf
        # Operators costs several times more, per operator, than the rest of this loop.
        for instruction in instructions:
            op = _DISPATCH.get(str(instruction.operator))
            if op == SHOW:
                if font is not None and mode != 3 and _draws_text(instruction.operands):
                    trace.fonts.add(font)
            elif op == SAVE:
                if len(stack) >= _MAX_STATE_STACK:
                    raise LimitExceeded("The PDF saves the graphics state too many times without restoring it.")
                stack.append((ctm, font, mode))
            elif op == RESTORE:
                if stack:
                    ctm, font, mode = stack.pop()
            elif op == CONCAT:
                operands = instruction.operands
                if len(operands) == 6:
                    ctm = _mul(tuple(map(float, operands)), ctm)
            elif op == DRAW:
                self.draw_xobject(trace, lookup("/XObject", _first(instruction)), scope, ctm, font, mode,
                                  depth, active)
            elif op == FONT:
                font = self.font_key(lookup("/Font", _first(instruction)))
            elif op == RENDER_MODE:
                mode = int(_first(instruction) or 0)
            elif op == STATE:
                font = self.apply_extgstate(trace, lookup("/ExtGState", _first(instruction)), font)
            elif op == FILL:
                operands = instruction.operands
                if operands and isinstance(operands[-1], Name):
                    self.paint_pattern(trace, lookup("/Pattern", operands[-1]), depth, active)
            elif op == SPACE:
                name = _first(instruction)
                if name is not None:
                    trace.colours.add(_colour_name(lookup("/ColorSpace", name) or name))
            elif op == INLINE:
                self.place(trace, self.inline_key(instruction.iimage), ctm)
            elif op is not None:  # a device colour operator: the name of its colour model
                trace.colours.add(op)
        return trace

    def wanted_operators(self) -> str:
        """Colour is reported per file, so once a device colour model is seen, its operators need not be read
        (each one read becomes a Python object)."""
        return " ".join([_OPERATORS, *(ops for model, ops in _DEVICE_COLOUR_OPERATORS.items() if model not in self.colours)])

    def draw_xobject(self, trace, xobject, scope, ctm, font, mode, depth, active) -> None:
        if not isinstance(xobject, Stream):
            return
        key = xobject.objgen  # streams are always indirect objects
        if key in self.image_info:  # drawn before: no lookups
            self.place(trace, key, ctm)
            return
        form = self.forms.get(key)
        if form is None:
            subtype = xobject.get("/Subtype")
            if subtype == Name.Image:
                self.place(trace, self.image_key(xobject), ctm)
                return
            if subtype != Name.Form:
                return
            form = self.forms[key] = (_matrix(xobject.get("/Matrix")), xobject.get("/Resources"))
        matrix, own = form
        inner = self.stream(xobject, _scope(own, ("form", key), fallback=scope), font, mode, depth + 1, active)
        self.placements += len(inner.images)
        if self.placements > self.limits.max_placements:
            raise LimitExceeded(f"The PDF draws more than {self.limits.max_placements:,} images; flatten it and export again.")
        trace.merge(inner, matrix=_mul(matrix, ctm))

    def paint_pattern(self, trace, pattern, depth, active) -> None:
        if isinstance(pattern, Stream) and pattern.get("/PatternType") == 1:  # tiling: a content stream of its own
            scope = _scope(pattern.get("/Resources"), ("pattern", pattern.objgen))
            inner = self.stream(pattern, scope, None, 0, depth + 1, active)
            trace.merge(inner, matrix=_matrix(pattern.get("/Matrix")))

    def apply_extgstate(self, trace, state, font):
        if not isinstance(state, Dictionary):
            return font
        if any(float(state.get(k, 1)) < 1 for k in ("/CA", "/ca")) or isinstance(state.get("/SMask"), Dictionary) \
                or state.get("/BM", Name.Normal) not in (Name.Normal, Name.Compatible):
            trace.transparent = True
        setting = state.get("/Font")
        if isinstance(setting, pikepdf.Array) and len(setting) == 2:
            return self.font_key(setting[0])
        return font

    def place(self, trace, key, ctm) -> None:
        trace.images.append((key, ctm))
        if self.image_info[key][3]:
            trace.transparent = True

    # Objects

    def font_key(self, font):
        if not isinstance(font, Dictionary):
            return None
        key = font.objgen if font.is_indirect else ("direct", bytes(font.unparse()))
        if key not in self.font_objects:
            self.font_objects[key] = font
            if font.get("/Subtype") == Name.Type3:
                self.type3.add(key)
        return key

    def image_key(self, image: Stream):
        key = image.objgen
        if key not in self.image_info:
            smask = isinstance(image.get("/SMask"), Stream)
            self.image_info[key] = (int(image.get("/Width", 0)), int(image.get("/Height", 0)),
                                    _colour_name(image.get("/ColorSpace", Name.DeviceGray)), smask)
        return key

    def inline_key(self, inline) -> tuple:
        key = ("inline", len(self.image_info))
        self.image_info[key] = (int(inline.width), int(inline.height),
                                _colour_name(inline.obj.get("/ColorSpace", Name.DeviceGray)), False)
        return key

    def facts(self) -> dict:
        fonts = []
        for key, (first_page, pages) in sorted(self.font_use.items(), key=lambda kv: kv[1][0]):
            name, subtype, embedded = _font_facts(self.font_objects[key])
            fonts.append({"key": str(key), "name": name, "subtype": subtype, "embedded": embedded,
                          "first_page": first_page, "pages": pages})
        return {"fonts": fonts, "images": self.images, "colour_spaces": sorted(self.colours - {"Pattern"}),
                "transparency_pages": self.transparency_pages}


def _page_range(count: int, part: Part) -> tuple[int, int]:
    index, parts = part
    if count < SPLIT_FROM_PAGES:
        return (1, count) if index == 0 else (1, 0)
    size = -(-count // parts)
    return index * size + 1, min(count, (index + 1) * size)


def merge_parts(parts: list[dict]) -> dict:
    """One file's facts from its parts' (in page order): the same document facts, the page facts joined."""
    whole = {**parts[0], "pages": [], "fonts": [], "images": [], "colour_spaces": set(), "transparency_pages": [],
             "repairs": []}
    fonts: dict[str, dict] = {}
    for part in parts:
        for group in part.get("pages", []):
            previous = whole["pages"][-1] if whole["pages"] else None
            if previous and previous["last"] + 1 == group["first"] and \
                    all(previous[k] == v for k, v in group.items() if k not in ("first", "last")):
                previous["last"] = group["last"]
            else:
                whole["pages"].append(dict(group))
        for font in part.get("fonts", []):
            if font["key"] in fonts:
                fonts[font["key"]]["pages"] += font["pages"]
            else:
                fonts[font["key"]] = dict(font)
        whole["images"] += part.get("images", [])
        whole["colour_spaces"] |= set(part.get("colour_spaces", []))
        whole["transparency_pages"] += part.get("transparency_pages", [])
        whole["repairs"] += [r for r in part.get("repairs", []) if r not in whole["repairs"]]
        whole["damaged"] = whole.get("damaged") or part.get("damaged")
    whole["fonts"] = [{k: v for k, v in f.items() if k != "key"} for f in fonts.values()]  # first use comes first
    whole["colour_spaces"] = sorted(whole["colour_spaces"])
    whole["repairs"] = whole["repairs"][:5]
    return whole


def _first(instruction):
    operands = instruction.operands
    return operands[0] if operands else None


def _scope(resources, key, fallback=None) -> tuple:
    """Resources with a key that names them for as long as the file is open (id() of a pikepdf wrapper does
    not: a direct dictionary gets a new wrapper on every access). Without resources of its own, a stream uses
    its parent's (fallback)."""
    if not isinstance(resources, Dictionary):
        return fallback if fallback is not None else (Dictionary(), ("none",))
    return resources, (resources.objgen if resources.is_indirect else key)


def _draws_text(operands) -> bool:
    if not operands:
        return False
    shown = operands[-1]  # Tj ' : the string; " : aw ac string; TJ: an array of strings and numbers
    if isinstance(shown, pikepdf.Array):
        return any(isinstance(s, pikepdf.String) and len(bytes(s)) for s in shown)
    return isinstance(shown, pikepdf.String) and len(bytes(shown)) > 0


class _Resources:
    """Named resources of one content stream; each category dictionary is fetched from pikepdf once."""

    def __init__(self, resources: Dictionary):
        self.resources = resources
        self.groups: dict = {}

    def __call__(self, category: str, name):
        if not isinstance(name, Name):
            return None
        group = self.groups.get(category)
        if group is None:
            group = self.groups[category] = self.resources.get(category)
        return group.get(name) if isinstance(group, Dictionary) else None


def _printed_annotations(page: Dictionary):
    annotations = page.get("/Annots")
    for annotation in annotations if isinstance(annotations, pikepdf.Array) else ():
        flags = int(annotation.get("/F", 0)) if isinstance(annotation, Dictionary) else 0
        if flags & 4 and not flags & 2:  # Print set, Hidden not: only these reach paper
            yield annotation


def _appearances(annotation: Dictionary):
    """The normal appearance: one stream, or one per state (a check box's on and off)."""
    appearance = annotation.get("/AP")
    normal = appearance.get("/N") if isinstance(appearance, Dictionary) else None
    if isinstance(normal, Stream):
        yield normal
    elif isinstance(normal, Dictionary):
        yield from (s for s in normal.values() if isinstance(s, Stream))


def _font_facts(font: Dictionary) -> tuple[str, str, bool]:
    subtype = str(font.get("/Subtype", "/Unknown"))[1:]
    program_holder = font
    if subtype == "Type0":
        descendants = font.get("/DescendantFonts")
        program_holder = descendants[0] if isinstance(descendants, pikepdf.Array) and len(descendants) else Dictionary()
    descriptor = program_holder.get("/FontDescriptor")
    if subtype == "Type3":
        embedded = True  # its glyphs are drawn by procedures in the file
    else:
        embedded = isinstance(descriptor, Dictionary) and any(
            isinstance(descriptor.get(k), Stream) for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    name = font.get("/BaseFont") or (descriptor.get("/FontName") if isinstance(descriptor, Dictionary) else None) \
        or font.get("/Name")
    return (_SUBSET_PREFIX.sub("", str(name)[1:]) if name else f"unnamed {subtype} font"), subtype, embedded


def _colour_name(space) -> str:
    if isinstance(space, pikepdf.Array) and len(space):
        family = space[0]
        if family == Name.ICCBased and isinstance(space[1], Stream):
            return f"ICC {_ICC_BY_COMPONENTS.get(int(space[1].get('/N', 0)), 'profile')}"
        return _DEVICE.get(str(family), str(family)[1:])
    return _DEVICE.get(str(space), str(space).lstrip("/"))


def _short(message, path: Path | None = None) -> str:
    """qpdf's message without the file's local path (meaningless to the merchant), at most 160 characters."""
    text = str(message)
    if path is not None:
        text = text.replace(f"{path}, ", "").replace(f"{path}: ", "").replace(str(path), "the file")
    return text if len(text) <= 160 else text[:157] + "..."
