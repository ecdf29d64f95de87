"""Preflight benchmark: Platen's font/ppi scan of print files against poppler's `pdffonts` + `pdfimages -list`.

On generated photo books of 1, 100 and 1000 pages (bench/pdfgen.py) it times Platen's real, sandboxed check
(`platen.preflight.sandbox.inspect_file`: child processes under resource limits, as the product runs it) and,
in the same run, poppler's `pdffonts FILE` and `pdfimages -list FILE` (poppler-utils: the peer and the oracle
of this benchmark only, never used by the product). It prints seconds per file, the ratio Platen/poppler,
Platen's peak memory and whether the verdicts agree: the set of (font, embedded) and the multiset of (page,
width, height, ppi x, ppi y) of the images drawn. Large PNG/JPEG rasters are timed for Platen only (no peer).
Usage and method: docs/benchmarks.md.

    .venv/bin/python bench/preflight.py [--pages 1,100,1000] [--runs 3] [--dir CACHE] [--no-rasters]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.pdfgen import expected_images  # noqa: E402

GOAL_RATIO, GOAL_PEAK_MB = 1.0, 300.0
GOAL_PAGES = (100, 1000)  # the ratio goal is judged on these; the memory goal on 1000


# --- Poppler, the peer and the oracle ----------------------------------------------------------------------

def children_cpu() -> float:
    """CPU seconds of this process's waited-for children so far (a tool's, or Platen's checking child's)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_tool(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of one run of a command-line tool."""
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(args, capture_output=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"`{' '.join(args)}` failed ({done.returncode}): {done.stderr.decode(errors='replace')[-1000:]}")
    return seconds, children_cpu() - cpu, done.stdout.decode("utf-8", errors="replace")


def tool_peak_kb(args: list[str]) -> int:
    """Peak RSS of a tool, through GNU time (a small process execs it: the rusage of a child exec'd straight
    from this Python process would count this process's pages mapped before the exec). 0 without /usr/bin/time."""
    if not Path("/usr/bin/time").exists():
        return 0
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *args], capture_output=True, check=True)
        return int(out.read().split()[-1])


def strip_subset(name: str) -> str:
    return re.sub(r"^[A-Z]{6}\+", "", name)


def parse_pdffonts(text: str) -> set[tuple[str, bool]]:
    """{(font name without subset prefix, embedded)}; columns cut at the widths of the dashes line."""
    lines = text.splitlines()
    header, dashes = lines[0], lines[1]
    spans, pos = [], 0
    for dash in dashes.split(" "):
        spans.append((pos, pos + len(dash)))
        pos += len(dash) + 1
    emb = next(i for i, (a, b) in enumerate(spans) if header[a:b].strip() == "emb")
    fonts = set()
    for line in lines[2:]:
        if line.strip():
            name = line[spans[0][0]:spans[0][1]].strip()
            a, b = spans[emb]
            fonts.add((strip_subset(name), line[a:b].strip() == "yes"))
    return fonts


def parse_pdfimages(text: str) -> Counter:
    """Counter of (page, width, height, x-ppi, y-ppi) over the rows of type `image` (not smask, mask, stencil).
    The header names the columns ("object ID" is two words over two values, so tokens line up)."""
    lines = text.splitlines()
    cols = lines[0].split()
    at = {name: cols.index(name) for name in ("page", "type", "width", "height", "x-ppi", "y-ppi")}
    images = Counter()
    for line in lines[2:]:
        f = line.split()
        if len(f) == len(cols) and f[at["type"]] == "image":
            images[(int(f[at["page"]]), int(f[at["width"]]), int(f[at["height"]]),
                    round(float(f[at["x-ppi"]])), round(float(f[at["y-ppi"]])))] += 1
    return images


def poppler(path: Path) -> dict:
    """Both tools once; their times add up (a check needs both answers). Peak memory is measured apart."""
    fonts_s, fonts_cpu, fonts_out = run_tool(["pdffonts", str(path)])
    images_s, images_cpu, images_out = run_tool(["pdfimages", "-list", str(path)])
    return {"seconds": fonts_s + images_s, "fonts_seconds": fonts_s, "images_seconds": images_s,
            "cpu": fonts_cpu + images_cpu, "peak_kb": 0, "fonts": parse_pdffonts(fonts_out),
            "images": parse_pdfimages(images_out)}


# --- Platen, as the product runs it ------------------------------------------------------------------------

def platen(path: Path) -> dict:
    from platen.preflight.sandbox import inspect_file

    from platen.preflight.limits import Unreadable

    own, child, start = time.process_time(), children_cpu(), time.perf_counter()
    try:
        facts = inspect_file(path)
    except Unreadable as exc:
        raise SystemExit(f"Platen could not check {path.name}: {exc.reason}") from exc
    seconds = time.perf_counter() - start
    cpu = time.process_time() - own + children_cpu() - child  # the caller's part (fork, JSON) and the child's
    stats = facts.get("stats") or {}
    return {"seconds": seconds, "cpu": cpu, "facts": facts, "peak_kb": stats.get("peak_rss_kb") or 0,
            "cpu_seconds": stats.get("cpu_seconds"), "fonts": {(strip_subset(f["name"]), bool(f["embedded"]))
                                                              for f in facts.get("fonts") or []},
            "images": Counter((page, width, height, round(ppi_x), round(ppi_y))
                              for page, width, height, ppi_x, ppi_y in facts.get("images") or [])}


def platen_available() -> str | None:
    """None when platen.preflight.sandbox.inspect_file imports, else why not."""
    try:
        from platen.preflight.sandbox import inspect_file  # noqa: F401
    except ImportError as exc:
        return f"ImportError: {exc}"
    return None


def measure(runs: int, path: Path, sides: dict) -> dict:
    """Each side once unmeasured (page cache, imports), then `runs` rounds alternating the sides, so a busy
    neighbour slows both alike. Per side: the fastest run, with every run's seconds; peak memory the largest."""
    for fn in sides.values():
        fn(path)
    results = {name: [] for name in sides}
    for _ in range(runs):
        for name, fn in sides.items():
            if results[name]:  # only the latest run keeps Platen's facts: this process, the child's parent, stays small
                results[name][-1].pop("facts", None)
            results[name].append(fn(path))
    best = {}
    for name, rs in results.items():
        fastest = min(rs, key=lambda r: r["seconds"])
        best[name] = {**fastest, **({"facts": rs[-1]["facts"]} if "facts" in rs[-1] else {}), "peak_kb": max(r["peak_kb"] for r in rs), "all_seconds": [r["seconds"] for r in rs],
                      "median": statistics.median(r["seconds"] for r in rs), "min_cpu": min(r["cpu"] for r in rs)}
    return best


def generate(cache: Path, pages: list[int], rasters: bool) -> list[Path]:
    """The benchmark files, generated (or found) by bench/pdfgen.py in a process of its own, so that building
    a 144-megapixel image does not leave this process, the parent Platen's check forks from, any larger."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "pdfgen.py"), str(cache), *map(str, pages),
                           *(["--rasters"] if rasters else [])], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"generating the files failed:\n{done.stderr[-2000:]}")
    return [Path(line) for line in done.stdout.split()]


def own_rss_mb() -> float:
    """This process's resident memory now: what a forked child starts with."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- Comparing verdicts ------------------------------------------------------------------------------------

def disagreements(ours: dict, theirs: dict, limit: int = 5) -> list[str]:
    """The first few differences between Platen's verdicts and poppler's, each side's extras apart."""
    out = [f"font {x} only in Platen" for x in sorted(ours["fonts"] - theirs["fonts"])][:limit]
    out += [f"font {x} only in pdffonts" for x in sorted(theirs["fonts"] - ours["fonts"])][:limit]
    only_ours, only_theirs = ours["images"] - theirs["images"], theirs["images"] - ours["images"]
    fmt = "image page {} {}x{} px at {}x{} ppi"
    out += [f"{fmt.format(*k)} only in Platen (x{n})" for k, n in sorted(only_ours.items())][:limit]
    out += [f"{fmt.format(*k)} only in pdfimages (x{n})" for k, n in sorted(only_theirs.items())][:limit]
    if out and (len(only_ours) > limit or len(only_theirs) > limit):
        out.append(f"... {sum(only_ours.values())} image rows only in Platen, {sum(only_theirs.values())} only in pdfimages")
    return out


def oracle_check(pages: int, theirs: dict) -> list[str]:
    """pdfimages against what the generator drew: the oracle is trusted only if it sees the file as made."""
    made = Counter((p, w, h, round(x), round(y)) for p, w, h, x, y in expected_images(pages))
    wrong = (made - theirs["images"]) + (theirs["images"] - made)
    return [f"pdfimages differs from the generator on {sum(wrong.values())} image rows"] if wrong else []


def raster_check(path: Path, facts: dict) -> list[str]:
    """No peer for rasters: Platen's facts against the size and resolution the generator wrote (in the name)."""
    width, height = (int(v) for v in path.stem.split("-")[1].split("x"))
    seen = (facts.get("width"), facts.get("height"), facts.get("dpi"))
    return [] if seen == (width, height, [300.0, 300.0]) else [f"Platen read {seen}, made {width}x{height} at 300 dpi"]


# --- Report ------------------------------------------------------------------------------------------------

def mb(kb: float) -> float:
    return kb / 1024


def report(rows: list[dict], rasters: list[dict], missing: str | None, busy: tuple[float, float], args) -> bool:
    w = 28
    print(f"\nPreflight: best of {args.runs} wall-clock runs per file and side (after one warm-up), sides alternating; "
          f"{os.cpu_count()} cores, machine busy {busy[0]:.0f}% (steal {busy[1]:.0f}%) while measuring; "
          f"poppler {poppler_version()}")
    print(f"{'file':<{w}}{'pages':>6}{'MB':>7}{'Platen s':>10}{'poppler s':>11}{'(fonts + images)':>19}"
          f"{'ratio':>7}{'Platen MB':>11}{'poppler MB':>12}  verdicts agree")
    for r in rows:
        p, q = r.get("platen"), r["poppler"]
        split = f"({q['fonts_seconds']:.3f} + {q['images_seconds']:.3f})"
        print(f"{r['path'].name:<{w}}{r['pages']:>6}{r['size'] / 1e6:>7.2f}"
              + (f"{p['seconds']:>10.3f}" if p else f"{'-':>10}") + f"{q['seconds']:>11.3f}{split:>19}"
              + (f"{p['seconds'] / q['seconds']:>7.2f}{mb(p['peak_kb']):>11.1f}" if p else f"{'-':>7}{'-':>11}")
              + f"{mb(q['peak_kb']):>12.1f}  " + (("yes" if not r["diffs"] else "NO") if p else "- (Platen not measured)"))
        if p:
            print(f"{'':<{w}}median Platen {p['median']:.3f} s, poppler {q['median']:.3f} s, ratio {p['median'] / q['median']:.2f};"
                  f" least CPU Platen {p['min_cpu']:.3f} s (caller + child), poppler {q['min_cpu']:.3f} s, ratio "
                  f"{p['min_cpu'] / q['min_cpu']:.2f}; Platen: fonts {len(p['facts'].get('fonts') or [])}, "
                  f"image placements {len(p['facts'].get('images') or [])}")
            print(f"{'':<{w}}runs: Platen {', '.join(f'{s:.3f}' for s in p['all_seconds'])} s; "
                  f"poppler {', '.join(f'{s:.3f}' for s in q['all_seconds'])} s")
        for line in r["oracle"] + r["diffs"]:
            print(f"{'':<{w}}{line}")
    for r in rasters:
        p = r.get("platen")
        if not p:
            print(f"{r['path'].name:<{w}}{'-':>6}{r['size'] / 1e6:>7.2f}  Platen not measured")
            continue
        f = p["facts"]
        print(f"{r['path'].name:<{w}}{'-':>6}{r['size'] / 1e6:>7.2f}{p['seconds']:>10.3f}{'n/a':>11}{'':>19}{'n/a':>7}"
              f"{mb(p['peak_kb']):>11.1f}{'n/a':>12}  n/a (raster: Platen only, no peer)")
        print(f"{'':<{w}}Platen runs {', '.join(f'{s:.3f}' for s in p['all_seconds'])} s, least CPU "
              f"{p['min_cpu']:.3f} s; read {f.get('format')} {f.get('width')}x{f.get('height')} px "
              f"({(f.get('width') or 0) * (f.get('height') or 0) / 1e6:.0f} MP), dpi {f.get('dpi')}: "
              + ("as generated" if not r["diffs"] else "; ".join(r["diffs"])))
    oracle_ok = all(not r["oracle"] for r in rows)
    print(f"pdfimages lists exactly the images the generator drew, on every book: {'yes' if oracle_ok else 'NO'}")
    print("Platen MB is the checking child's peak RSS (ru_maxrss), which counts the pages it shares with the process it "
          f"was forked from ({args.parent_rss:.0f} MB resident here at the start, {own_rss_mb():.0f} MB at the end); "
          "poppler MB through /usr/bin/time, the larger of the two tools.")
    if missing:
        print(f"\nPlaten not measured: platen.preflight.sandbox.inspect_file cannot be imported ({missing}).")

    by_pages = {r["pages"]: r for r in rows}
    judged = [by_pages[n] for n in GOAL_PAGES if n in by_pages]
    goals = []
    if judged and not missing:
        ratios = ", ".join(f"{r['pages']} pages {r['platen']['seconds'] / r['poppler']['seconds']:.2f}" for r in judged)
        goals.append((f"ratio Platen/poppler <= {GOAL_RATIO:.1f} on 100 and 1000 pages ({ratios})",
                      all(r["platen"]["seconds"] <= GOAL_RATIO * r["poppler"]["seconds"] for r in judged)))
    else:
        goals.append((f"ratio Platen/poppler <= {GOAL_RATIO:.1f} on 100 and 1000 pages (not measured)", False))
    if 1000 in by_pages and not missing:
        peak = mb(by_pages[1000]["platen"]["peak_kb"])
        goals.append((f"peak memory {peak:.1f} MB < {GOAL_PEAK_MB:.0f} MB on 1000 pages", peak < GOAL_PEAK_MB))
    else:
        goals.append((f"peak memory < {GOAL_PEAK_MB:.0f} MB on 1000 pages (not measured)", False))
    goals.append(("verdicts agree with poppler on every PDF" + (" (not measured)" if missing else ""),
                  not missing and oracle_ok and all(not r["diffs"] for r in rows)))
    for text, ok in goals:
        print(f"{'PASS' if ok else 'MISS'}  {text}")
    return all(ok for _, ok in goals)


def machine_cpu() -> tuple[float, float, float]:
    """Busy, steal and total CPU seconds of the whole machine so far (all cores), from /proc/stat."""
    f = [int(x) / os.sysconf("SC_CLK_TCK") for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return f[0] + f[1] + f[2] + f[5] + f[6], f[7], sum(f)


def poppler_version() -> str:
    done = subprocess.run(["pdffonts", "-v"], capture_output=True, text=True)
    return (done.stdout + done.stderr).split("\n", 1)[0].rsplit(" ", 1)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", default="1,100,1000", help="page counts of the generated books")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per file and side; the fastest counts")
    parser.add_argument("--dir", type=Path, default=None, help="where generated files are cached (default "
                        "$PLATEN_DATA_DIR/bench-preflight, or platen-bench-preflight in the temp directory)")
    parser.add_argument("--no-rasters", action="store_true", help="skip the large PNG and JPEG")
    args = parser.parse_args()
    for tool in ("pdffonts", "pdfimages"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} not found: the benchmark needs poppler-utils (apt-get install poppler-utils)")

    cache = args.dir or (Path(os.environ["PLATEN_DATA_DIR"]) / "bench-preflight" if os.environ.get("PLATEN_DATA_DIR")
                         else Path(tempfile.gettempdir()) / "platen-bench-preflight")
    temp = None
    if not os.environ.get("PLATEN_DATA_DIR"):
        temp = tempfile.TemporaryDirectory(prefix="platen-bench-")
        os.environ["PLATEN_DATA_DIR"] = temp.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platen.settings")
    import django
    django.setup()
    missing = platen_available()

    try:
        pages = [int(n) for n in args.pages.split(",") if n.strip()]
        start = time.perf_counter()
        files = generate(cache, pages, not args.no_rasters)
        books, pictures = list(zip(pages, files[:len(pages)])), files[len(pages):]
        args.parent_rss = own_rss_mb()
        print(f"files in {cache} ({time.perf_counter() - start:.1f} s to generate or find); this process, which "
              f"Platen's check forks from, has {args.parent_rss:.1f} MB resident", flush=True)
        before = machine_cpu()

        rows = []
        for n, path in books:
            row = {"pages": n, "path": path, "size": path.stat().st_size}
            best = measure(args.runs, path, {"poppler": poppler, **({} if missing else {"platen": platen})})
            row.update(best)
            row["poppler"]["peak_kb"] = max(tool_peak_kb(["pdffonts", str(path)]),
                                            tool_peak_kb(["pdfimages", "-list", str(path)]))
            row["oracle"] = oracle_check(n, row["poppler"])
            row["diffs"] = [] if missing else disagreements(row["platen"], row["poppler"])
            rows.append(row)
            print(f"  {path.name} measured", flush=True)
        rasters = []
        for path in pictures:
            row = {"path": path, "size": path.stat().st_size}
            if not missing:
                row.update(measure(args.runs, path, {"platen": platen}))
                row["diffs"] = raster_check(path, row["platen"]["facts"])
            rasters.append(row)
            print(f"  {path.name} measured", flush=True)
        busy, steal, total = (after - first for after, first in zip(machine_cpu(), before))
        return 0 if report(rows, rasters, missing, (busy / total * 100, steal / total * 100), args) else 1
    finally:
        if temp:
            temp.cleanup()

if __name__ == "__main__":
    sys.exit(main())
