"""Previews: a small PNG of a print file's first page, drawn in the sandbox's limited child, stored once per
content; hostile or undrawable files have none and never hurt the caller."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image

from platen.preflight import sandbox
from platen.preflight.limits import LIMITS, LimitExceeded, Unreadable
from platen.preflight.preview import ensure_preview, preview_path
from tests.preflight import samples
from tests.preflight.test_hostile import rss_mb


def drawn(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.mark.parametrize("make, kind, size", [
    (samples.good_poster, "pdf", (214, 300)),  # 216 x 303 mm: portrait, 300 px high
    (lambda d: samples.png_rgb(d, 1800, 1200), "png", (300, 200)),
    (lambda d: samples.png_rgba(d, 600, 600), "png", (300, 300)),
    (lambda d: samples.jpeg_cmyk(d, 800, 600), "jpeg", (300, 225)),
    (lambda d: samples.tiff(d, 600, 800), "tiff", (225, 300)),
])
def test_the_first_page_is_drawn_at_300_px(tmp_path, make, kind, size):
    image = drawn(sandbox.render_preview(make(tmp_path), kind))
    assert image.format == "PNG" and image.size == size
    assert image.mode in ("RGB", "RGBA")


def test_a_pdf_preview_shows_its_content(tmp_path):
    image = drawn(sandbox.render_preview(samples.good_poster(tmp_path), "pdf")).convert("RGB")
    assert len(image.getcolors(1 << 16) or range(2)) > 1  # not a blank page


@pytest.mark.parametrize("make, kind", [
    (samples.not_a_pdf, "pdf"),
    (samples.encrypted_user_password, "pdf"),
    (samples.forged_png_header, "png"),
    (samples.png_decompression_bomb, "png"),
])
def test_undrawable_and_hostile_files_have_no_preview(tmp_path, make, kind):
    before = rss_mb()
    with pytest.raises(Unreadable):
        sandbox.render_preview(make(tmp_path), kind)
    assert rss_mb() - before < 30  # the decoding happened in the child


def test_the_sandbox_limits_apply(tmp_path):
    poster = samples.good_poster(tmp_path)
    with pytest.raises(LimitExceeded, match="took longer than 0 s"):
        sandbox.render_preview(poster, "pdf", dataclasses.replace(LIMITS, wall_seconds=0.0001))
    big = samples.png_rgb(tmp_path, 6000, 6000)
    with pytest.raises(Unreadable):
        sandbox.render_preview(big, "png", dataclasses.replace(LIMITS, memory_bytes=16 * 2**20))


def test_a_preview_is_stored_once_per_content(settings, tmp_path):
    poster = samples.good_poster(tmp_path)
    sha = "ab" * 32
    stored = ensure_preview(poster, sha, "pdf", LIMITS)
    assert stored == preview_path(sha) and stored.parent == settings.PLATEN.data_dir / "previews"
    first = stored.stat().st_mtime_ns
    assert ensure_preview(samples.not_a_pdf(tmp_path), sha, "pdf", LIMITS) == stored  # not drawn again
    assert stored.stat().st_mtime_ns == first
    assert ensure_preview(samples.not_a_pdf(tmp_path), "cd" * 32, "pdf", LIMITS) is None
    assert ensure_preview(poster, "ef" * 32, "svg", LIMITS) is None  # SVG is never drawn
    assert not preview_path("cd" * 32).exists()
