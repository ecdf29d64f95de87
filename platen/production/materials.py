"""Which material a piece of a product uses up: the one table of material codes (routing, the network file,
the facilities' stock all use these codes).

A facility holds materials (production.models.Material) by code; routing takes one unit of the product's
material per piece. Most kinds use one material; garments use a blank of their size, mugs a blank of their
size ("tshirt-blank-M", "hoodie-blank-XL", "mug-blank-11oz").
"""

from __future__ import annotations

import re
from functools import lru_cache

from platen.catalog.models import ProductKind

# One material per kind; the kinds in SIZED take a size suffix ("<prefix>-<size>").
BY_KIND: dict[str, str] = {
    ProductKind.POSTER: "paper-200gsm",
    ProductKind.GREETING_CARD: "paper-200gsm",
    ProductKind.FRAMED_POSTER: "paper-photo",
    ProductKind.CANVAS: "canvas",
    ProductKind.PHOTO_BOOK: "paper-170gsm",
    ProductKind.T_SHIRT: "tshirt-blank",
    ProductKind.HOODIE: "hoodie-blank",
    ProductKind.MUG: "mug-blank",
}
SIZED: dict[str, str] = {  # kind -> the catalog attribute that holds its size
    ProductKind.T_SHIRT: "GarmentSize",
    ProductKind.HOODIE: "GarmentSize",
    ProductKind.MUG: "MugSize",
}
GARMENT_SIZES = ("XS", "S", "M", "L", "XL", "XXL", "3XL")
MUG_SIZES = ("11oz", "15oz")
NAMES = {  # what the dashboard calls a material
    "paper-200gsm": "200 gsm paper (posters, cards)",
    "paper-photo": "Photo paper (framed prints)",
    "paper-170gsm": "170 gsm coated silk (photo books)",
    "canvas": "Canvas and stretcher bars",
    "tshirt-blank": "T-shirt blanks",
    "hoodie-blank": "Hoodie blanks",
    "mug-blank": "White ceramic mugs",
}

# Size in the product uid (the catalog's naming: ..._gsi_m_..., ..._msz_11-oz_...).
_UID_SIZE = {"GarmentSize": re.compile(r"_gsi_([a-z0-9]+)(?:_|$)"), "MugSize": re.compile(r"_msz_([a-z0-9-]+?)(?:_|$)")}


SHORT_NAMES = {  # how sentences name a material ("No facility has canvas in stock for AU.")
    "paper-200gsm": "200 gsm paper", "paper-photo": "photo paper", "paper-170gsm": "photo book paper",
    "canvas": "canvas", "tshirt-blank": "t-shirt blanks", "hoodie-blank": "hoodie blanks", "mug-blank": "mug blanks",
}


def material_for(product_uid: str, kind: str, attributes: dict | None = None) -> str:
    """The material code one piece of this product uses, e.g. "paper-200gsm" or "tshirt-blank-M": its size from
    `attributes` when given, else from the uid or the catalog. A garment or mug whose size cannot be told is
    "<prefix>-any" (which no facility stocks)."""
    base = BY_KIND.get(kind, kind)
    attribute = SIZED.get(kind)
    if attribute is None:
        return base
    given = (attributes or {}).get(attribute)
    size = _normal(attribute, str(given)) if given else _size(product_uid, attribute)
    return f"{base}-{size or 'any'}"


@lru_cache(maxsize=1024)
def short_name(code: str) -> str:
    """'tshirt-blank-M' -> 't-shirt blanks in M'; unknown codes as they are."""
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    base, _, size = code.rpartition("-")
    return f"{SHORT_NAMES[base]} in {size}" if base in SHORT_NAMES else code


def all_codes() -> list[str]:
    """Every material code a facility can stock, for forms and checks."""
    codes = []
    for kind, base in BY_KIND.items():
        sizes = {"GarmentSize": GARMENT_SIZES, "MugSize": MUG_SIZES}.get(SIZED.get(kind, ""), ())
        codes.extend([f"{base}-{s}" for s in sizes] if sizes else [base])
    return list(dict.fromkeys(codes))


def describe(code: str) -> str:
    """A material's name for people: "T-shirt blanks, size M"."""
    if code in NAMES:
        return NAMES[code]
    base, _, size = code.rpartition("-")
    if base in NAMES:
        return f"{NAMES[base]}, size {size}"
    return code


def _normal(attribute: str, value: str) -> str:
    value = value.strip()
    if attribute == "MugSize":
        return value.lower().replace("-", "").replace(" ", "")
    return value.upper()


def _size(product_uid: str, attribute: str) -> str | None:
    return _size_in_uid(product_uid, attribute) or _size_in_catalog(product_uid, attribute)


@lru_cache(maxsize=4096)
def _size_in_uid(product_uid: str, attribute: str) -> str | None:
    found = _UID_SIZE[attribute].search(product_uid or "")
    return _normal(attribute, found.group(1)) if found else None


def _size_in_catalog(product_uid: str, attribute: str) -> str | None:
    """A product named otherwise (added in the admin): its size attribute in the catalog."""
    from platen.catalog.models import ProductAttributeLink

    link = (ProductAttributeLink.objects.filter(product__uid=product_uid, attribute__uid=attribute)
            .select_related("value").first())
    return _normal(attribute, link.value.uid) if link else None
