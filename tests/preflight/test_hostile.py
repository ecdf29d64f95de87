"""Hostile files end as a failed check with a reason; the process that asked is not hurt (its memory does not
grow, it keeps working), whatever the child that read the file went through."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from platen.preflight.checks import evaluate
from platen.preflight.limits import LIMITS, LimitExceeded, Unreadable
from platen.preflight.sandbox import inspect_file
from tests.preflight import samples


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def verdict(path: Path, limits=LIMITS) -> str:
    """The failure sentence for a hostile file (the readable check, or the first failed check)."""
    try:
        report = evaluate(inspect_file(path, limits=limits), None)
    except Unreadable as exc:
        return exc.reason
    assert not report.passed
    return report.failures[0].message


@pytest.mark.parametrize("make, expected", [
    (samples.deflate_bomb_pdf, "A content stream of the PDF cannot be read"),
    (samples.forged_png_header, "The image has 10,000 megapixels; Platen reads images of up to 300 megapixels"),
    (samples.png_decompression_bomb, "The image has 400 megapixels"),
    (lambda d: samples.truncated_pdf(d, samples.good_poster(d), 0.5), "The PDF is damaged"),
    (samples.cyclic_page_tree_pdf, "Loop detected in /Pages"),
    (samples.looping_xref_pdf, "The PDF is damaged"),
    (samples.deep_nesting_pdf, "The PDF nests forms or patterns more than 24 levels deep"),
    (samples.not_a_pdf, "The file is not a readable PDF"),
])
def test_hostile_files_fail_with_a_reason_and_leave_the_caller_unhurt(tmp_path, make, expected):
    path = make(tmp_path)
    before = rss_mb()
    assert expected in verdict(path)
    assert rss_mb() - before < 30  # the inflating, decoding and recursing happened in the child


@pytest.mark.parametrize("make", [
    lambda d: samples.png_rgb(d, 800, 600), lambda d: samples.jpeg_cmyk(d, 800, 600), lambda d: samples.tiff(d, 800, 600),
])
def test_truncated_rasters_are_unreadable_without_naming_local_paths(tmp_path, make):
    whole = make(tmp_path)
    cut = tmp_path / f"cut-{whole.name}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    reason = verdict(cut)
    assert reason.startswith("The image cannot be read") or "not a PDF, PNG" in reason
    assert str(tmp_path) not in reason


def test_a_tiff_whose_pixels_are_cut_off_is_unreadable(tmp_path):
    from tests.emulators.fileserver import SAMPLES

    cut = tmp_path / "cut.tiff"
    cut.write_bytes(SAMPLES["tiff"][:-1])  # the header and tags are whole; the one pixel is missing
    assert "its pixel data ends after the file's 174 bytes" in verdict(cut)


def test_the_decompression_bomb_hits_the_memory_limit_not_the_machine(tmp_path):
    path = samples.deflate_bomb_pdf(tmp_path, decoded_bytes=256 * 2**20)
    assert inspect_file(path)["page_count"] == 1  # 256 MiB inflated: within the default limit, fine
    small = dataclasses.replace(LIMITS, memory_bytes=96 * 2**20)
    assert "cannot be read" in verdict(path, small)


def test_an_image_stream_bomb_is_never_inflated(tmp_path):
    baseline = inspect_file(samples.good_poster(tmp_path))["stats"]["peak_rss_kb"]  # the child's shared start
    facts = inspect_file(samples.deflate_bomb_pdf(tmp_path, where="image"))
    assert facts["stats"]["peak_rss_kb"] - baseline < 50 * 1024  # header fields are read; the pixels never are


def test_operator_page_object_and_time_limits(tmp_path):
    with pytest.raises(LimitExceeded, match="more than 1,000 drawing operators"):
        inspect_file(samples.many_operators_pdf(tmp_path, operators=1_001, unit=b"1 0 0 1 0 0 cm\n"),
                     limits=dataclasses.replace(LIMITS, max_operators=1_000))
    many = samples.many_operators_pdf(tmp_path, operators=2_000_000)  # path operators: tokenised, not interpreted
    with pytest.raises(LimitExceeded, match="took longer than 0 s") as timed_out:
        inspect_file(many, limits=dataclasses.replace(LIMITS, wall_seconds=0.05))
    assert not timed_out.value.cacheable  # a busy machine is not the file's fault: tried again next time
    with pytest.raises(LimitExceeded, match="processor time"):
        inspect_file(samples.many_operators_pdf(tmp_path, operators=8_000_000), limits=dataclasses.replace(LIMITS, cpu_seconds=1))
    with pytest.raises(LimitExceeded, match="The PDF has 30 pages; Platen checks files of up to 10 pages"):
        inspect_file(samples.multi_page(tmp_path, 30), limits=dataclasses.replace(LIMITS, max_pages=10))
    with pytest.raises(LimitExceeded, match="more than 5 objects"):
        inspect_file(samples.good_poster(tmp_path), limits=dataclasses.replace(LIMITS, max_objects=5))
    with pytest.raises(LimitExceeded, match="Platen checks files of up to 0 MiB"):
        inspect_file(samples.good_poster(tmp_path), limits=dataclasses.replace(LIMITS, max_file_bytes=1000))


def test_the_operators_settings_set_the_memory_and_time_limits(db, settings, tmp_path):
    from platen.preflight.services import check_path_or_url

    bomb = samples.deflate_bomb_pdf(tmp_path, decoded_bytes=256 * 2**20)
    assert check_path_or_url(str(bomb)).readable  # 256 MiB inflated: within the default 512 MiB
    settings.PLATEN = dataclasses.replace(settings.PLATEN, preflight_memory_mb=64)
    assert not check_path_or_url(str(bomb)).readable
    settings.PLATEN = dataclasses.replace(settings.PLATEN, preflight_memory_mb=512, preflight_seconds=1)
    many = samples.many_operators_pdf(tmp_path, operators=8_000_000)  # several seconds of tokenising
    [reason] = [c.message for c in check_path_or_url(str(many)).failures]
    assert "processor time" in reason or "longer than 1 s" in reason
