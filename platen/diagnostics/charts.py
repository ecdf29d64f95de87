"""Server-rendered SVG charts (no library): columns and a line over time, horizontal bars for categories.

Each chart is an <svg role="img"> with a <title> and a <desc> that says the figures in words, axes with a few round
ticks, and a viewBox so it scales to the width of its card (the dashboard is read at 1366 and 390 px). Colours come
from CSS classes (platen.css, section "analytics"), so the charts follow the stylesheet.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 34
_ids = itertools.count(1)
Point = tuple[str, float | None]  # (label, value); None: no value (a gap in a line)


def columns(points: Sequence[Point], *, title: str, desc: str, unit: str = "", fmt: Callable[[float], str] = None) -> SafeString:
    """Vertical bars, one per period (order volume)."""
    fmt = fmt or _count
    top = _nice_max(max((v or 0 for _, v in points), default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(1, len(points))
    bars = []
    for i, (label, value) in enumerate(points):
        h = 0 if not value else inner_h * value / top
        x = LEFT + i * step + step * 0.15
        bars.append(f'<rect class="chart-bar" x="{x:.1f}" y="{TOP + inner_h - h:.1f}" width="{max(1.0, step * 0.7):.1f}" '
                    f'height="{h:.1f}"><title>{escape(label)}: {escape(fmt(value or 0))}{escape(unit)}</title></rect>')
    return _svg(title, desc, _y_axis(top, fmt) + _x_labels([p[0] for p in points], step) + "".join(bars), "columns")


def line(points: Sequence[Point], *, title: str, desc: str, top: float | None = None, fmt: Callable[[float], str] = None) -> SafeString:
    """A line over time (success rate); a None value breaks the line."""
    fmt = fmt or _count
    top = top or _nice_max(max((v or 0 for _, v in points), default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(1, len(points))
    runs, run, dots = [], [], []
    for i, (label, value) in enumerate(points):
        if value is None:
            runs.append(run)
            run = []
            continue
        x, y = LEFT + i * step + step / 2, TOP + inner_h - inner_h * value / top
        run.append(f"{x:.1f},{y:.1f}")
        dots.append(f'<circle class="chart-dot" cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(label)}: {escape(fmt(value))}</title></circle>')
    runs.append(run)
    lines = "".join(f'<polyline class="chart-line" points="{" ".join(r)}"/>' for r in runs if len(r) > 1)
    return _svg(title, desc, _y_axis(top, fmt) + _x_labels([p[0] for p in points], step) + lines + "".join(dots), "trend")


def bars(rows: Sequence[Point], *, title: str, desc: str, fmt: Callable[[float], str] = None) -> SafeString:
    """Horizontal bars with their label above (long labels stay readable on a phone): channels, failure reasons."""
    fmt = fmt or _count
    top = max((v or 0 for _, v in rows), default=0) or 1
    row_h, width = 40, WIDTH - 8
    parts = []
    for i, (label, value) in enumerate(rows):
        y = 4 + i * row_h
        w = max(2.0, (width - 70) * (value or 0) / top)
        parts.append(f'<text class="chart-label" x="0" y="{y + 12}">{escape(_clip(label, 48))}</text>'
                     f'<rect class="chart-bar" x="0" y="{y + 17}" width="{w:.1f}" height="14"><title>{escape(label)}: '
                     f'{escape(fmt(value or 0))}</title></rect>'
                     f'<text class="chart-value" x="{w + 6:.1f}" y="{y + 29}">{escape(fmt(value or 0))}</text>')
    return _svg(title, desc, "".join(parts), "bars", height=max(row_h, 8 + len(rows) * row_h))


def _svg(title: str, desc: str, body: str, kind: str, height: int = HEIGHT) -> SafeString:
    n = next(_ids)
    return mark_safe(
        f'<svg class="chart chart-{kind}" viewBox="0 0 {WIDTH} {height}" role="img" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="chart-{n}-title chart-{n}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{n}-title">{escape(title)}</title><desc id="chart-{n}-desc">{escape(desc)}</desc>{body}</svg>')


def _y_axis(top: float, fmt: Callable[[float], str]) -> str:
    inner_h = HEIGHT - TOP - BOTTOM
    parts = [f'<line class="chart-axis" x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" y2="{TOP + inner_h}"/>',
             f'<line class="chart-axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + inner_h}"/>']
    for k in range(5):
        value = top * k / 4
        y = TOP + inner_h - inner_h * k / 4
        if k:
            parts.append(f'<line class="chart-grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(value))}</text>')
    return "".join(parts)


def _x_labels(labels: list[str], step: float) -> str:
    """At most about seven labels, evenly spaced, so they never overlap."""
    if not labels:
        return ""
    every = max(1, math.ceil(len(labels) / 7))
    y = HEIGHT - BOTTOM + 18
    return "".join(f'<text class="chart-tick" x="{LEFT + i * step + step / 2:.1f}" y="{y}" text-anchor="middle">{escape(label)}</text>'
                   for i, label in enumerate(labels) if i % every == 0)


def _nice_max(value: float) -> float:
    """The smallest round number (1, 2, 2.5 or 5 times a power of ten) at least `value`, so ticks are round."""
    if value <= 0:
        return 4
    power = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * power:
            return max(m * power, 4) if value >= 1 else m * power
    return 10 * power


def _count(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
