"""`platen preflight PATH_OR_URL [--product UID] [--json]`: the corpus verdicts, exit codes and the JSON report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from platen import cli
from tests.orders.factories import POSTER, TSHIRT
from tests.preflight import samples

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT.parent / "shared" / "corpora" / "pdf-fonts").glob("*.pdf"))


def run(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["preflight", *args])
    return code, capsys.readouterr().out


@pytest.mark.skipif(not CORPUS, reason="the shared corpus is not next to this checkout")
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_verdicts_match_the_file_names(capsys, path):
    code, out = run(capsys, str(path), "--json")
    report = json.loads(out)
    expected_pass = "-pass-" in path.name
    assert code == (0 if expected_pass else 1)
    assert report["passed"] is expected_pass
    fonts = [c for c in report["checks"] if c["check"] == "fonts"]
    assert all(c["passed"] is expected_pass for c in fonts)
    if not expected_pass:
        assert fonts[0]["page"] == 1 and "which is not embedded: embed all fonts" in fonts[0]["message"]
    assert set(report) == {"passed", "checks"}
    assert all(set(c) == {"check", "passed", "severity", "message", "page"} for c in report["checks"])


def test_with_a_product_the_product_checks_run(db, capsys, tmp_path):
    poster = samples.good_poster(tmp_path)  # an A4 poster file
    code, out = run(capsys, str(poster), "--product", POSTER)  # ...for the A3 poster
    assert code == 1
    assert "FAIL    page_size     Page 1 has a trim box of 210 x 297 mm; Poster A3 (200 gsm uncoated) needs 303 x 426 mm" in out
    code, out = run(capsys, str(samples.png_rgb(tmp_path, 1800, 2400)), "--product", TSHIRT, "--json")
    assert code == 0 and json.loads(out)["passed"]


def test_urls_are_fetched_as_orders_fetch_them(db, capsys, files, loopback_fetching, tmp_path):
    url = files.publish("preflight-poster.pdf", samples.good_poster(tmp_path).read_bytes(), "application/pdf")
    code, out = run(capsys, url)
    assert code == 0 and "passed" in out.splitlines()[0]
    code, out = run(capsys, files.url("/status/410"), "--json")
    assert code == 2
    assert json.loads(out)["checks"][0]["check"] == "readable"


def test_the_installed_command_exit_codes(tmp_path):
    def platen(*args):
        return subprocess.run([sys.executable, "-m", "platen.cli", "preflight", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)

    broken = samples.not_a_pdf(tmp_path)
    result = platen(str(broken))
    assert result.returncode == 2
    assert "FAIL    readable      The file is not a readable PDF" in result.stdout
    assert platen(str(tmp_path / "missing.pdf")).returncode == 2
    assert platen(str(samples.font_in_form_xobject(tmp_path))).returncode == 1
    assert platen(str(samples.type3_only(tmp_path))).returncode == 0
