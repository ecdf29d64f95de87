"""Preflight use cases: check a stored print file against an item's product (the pipeline), or any file or
URL against an optional product (`platen preflight`)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError

from platen.catalog.models import Product, ProductKind
from platen.preflight import preview, sandbox
from platen.preflight.checks import ProductSpec, evaluate
from platen.preflight.fetching import FetchFailed, fetch_print_file
from platen.preflight.inspection import INSPECTOR_VERSION
from platen.preflight.limits import Limits, Unreadable, configured
from platen.preflight.models import FileFacts
from platen.preflight.report import Report

PAGE_PER_FILE_TYPES = ("front", "back", "neck-inner", "neck-outer", "sleeve-left", "sleeve-right")
FITTED_KINDS = (ProductKind.T_SHIRT, ProductKind.HOODIE)  # a design is placed within the print area, not filling it


def spec_for(product: Product, *, file_type: str = "default", page_count: int | None = None) -> ProductSpec:
    """What one file of an item needs: a multi-page product's file has the item's pages; a single-page
    product's file has one page per printed side, or one page when it names its side (front, back...)."""
    if product.is_multi_page:
        low, high, step = ((page_count, page_count, 1) if page_count else
                           (product.page_count_min, product.page_count_max, product.page_count_step or 1))
    else:
        low, high, step = 1, 1 if file_type in PAGE_PER_FILE_TYPES else product.sides, 1
    return ProductSpec(
        name=product.name, file_types=tuple(product.file_types), width_mm=float(product.width_mm),
        height_mm=float(product.height_mm), bleed_mm=float(product.bleed_mm), min_ppi=product.min_ppi,
        min_pages=low, max_pages=high, page_step=step, fit=product.kind in FITTED_KINDS,
        sides=1 if product.is_multi_page or file_type in PAGE_PER_FILE_TYPES else product.sides,
    )


def check_stored_file(path: Path, sha256: str, kind: str, spec: ProductSpec | None) -> Report:
    return evaluate(facts_for(path, sha256, kind), spec)


def make_preview(path: Path, sha256: str, kind: str) -> None:
    """Draw the stored file's preview (once per content); a file that cannot be drawn has none."""
    preview.ensure_preview(path, sha256, kind, _limits())
def check_known_content(sha256: str, spec: ProductSpec | None) -> Report | None:
    """The report for content already inspected (its facts are kept), without reading the file; None when
    the content has not been inspected yet (the pipeline then reads it)."""
    facts = FileFacts.objects.filter(sha256=sha256, inspector_version=INSPECTOR_VERSION).values_list("facts", flat=True).first()
    return None if facts is None else evaluate(facts, spec)


def facts_for(path: Path, sha256: str, kind: str) -> dict:
    """The file's facts, read once per content (and inspector version) and kept in FileFacts."""
    cached = FileFacts.objects.filter(sha256=sha256, inspector_version=INSPECTOR_VERSION).values_list("facts", flat=True).first()
    if cached is not None:
        return cached
    try:
        facts = sandbox.inspect_file(path, kind, _limits())
    except Unreadable as exc:
        facts = {"format": kind, "unreadable": exc.reason}
        if not exc.cacheable:
            return facts
    try:
        FileFacts.objects.update_or_create(sha256=sha256, defaults={"kind": kind, "inspector_version": INSPECTOR_VERSION,
                                                                    "facts": facts})
    except IntegrityError:  # another worker stored the same content's facts a moment ago: equally good
        pass
    return facts


def check_path_or_url(target: str, product: Product | None = None) -> Report:
    """`platen preflight`: the same checks on one local file or URL, nothing stored."""
    spec = spec_for(product) if product else None
    try:
        if "://" not in target:
            return evaluate(_inspect(_existing(Path(target)), None), spec)
        with tempfile.TemporaryDirectory(prefix="platen-preflight-") as tmp:
            fetched = fetch_print_file(target, dest_dir=Path(tmp))
            return evaluate(_inspect(fetched.path, fetched.detected_type), spec)
    except FetchFailed as exc:
        return evaluate({"format": "unknown", "unreadable": exc.reason}, spec)


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise FetchFailed("not_found", f"There is no file at {path}.", url=str(path))
    return path


def _limits() -> Limits:
    config = settings.PLATEN
    return configured(config.preflight_memory_mb, config.preflight_seconds)


def _inspect(path: Path, kind: str | None) -> dict:
    try:
        return sandbox.inspect_file(path, kind, _limits())
    except Unreadable as exc:
        return {"format": kind or "unknown", "unreadable": exc.reason}
