"""Small dependency-free SVG bar charts (no matplotlib, no JavaScript, no external assets).

Every string that reaches the SVG is XML-escaped, so labels taken from data cannot inject markup.
The same markup is written to ``plots/*.svg`` and inlined in the HTML report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

#: Okabe-Ito colour-blind safe palette (one colour per series).
PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)  # fmt: skip
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def esc(text: object) -> str:
    """Escape text for XML/HTML content and double- or single-quoted attributes."""
    return escape(str(text), quote=True)


@dataclass(frozen=True)
class BarChart:
    """A horizontal grouped bar chart: one group per category, one bar per series.

    ``values[(group, series)]`` is the bar length (missing or ``None`` = no bar, shown "n/a");
    ``intervals[(group, series)]`` an optional ``(low, high)`` whisker. ``maximum`` fixes the
    axis (1.0 for scores); ``None`` scales to the data (counts).
    """

    title: str
    groups: Sequence[str]
    series: Sequence[str]
    values: Mapping[tuple[str, str], float | None]
    intervals: Mapping[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    maximum: float | None = 1.0
    value_format: str = "{:.2f}"
    chart_id: str = "chart"


def _ticks(maximum: float) -> list[float]:
    if maximum <= 1.0:
        return [0.0, 0.25, 0.5, 0.75, 1.0]
    step = 10 ** math.floor(math.log10(maximum))
    for m in (1, 2, 5, 10):
        if maximum / (step * m) <= 6:
            step *= m
            break
    return [i * step for i in range(int(maximum // step) + 1)]


def bar_chart(chart: BarChart, width: int = 600) -> str:
    """Render ``chart`` as a standalone ``<svg>`` element (valid as a file and inline in HTML)."""
    label_w, value_w, top, bar_h, gap = 150, 56, 34, 14, 10
    legend_h = 22 if len(chart.series) > 1 else 0
    group_h = bar_h * max(1, len(chart.series)) + gap
    height = top + legend_h + group_h * max(1, len(chart.groups)) + 24
    plot_w = width - label_w - value_w
    data = [v for v in chart.values.values() if v is not None and math.isfinite(v)]
    data += [hi for _, hi in chart.intervals.values()]
    maximum = chart.maximum or max([1.0, *data])
    ticks = _ticks(maximum)
    if chart.maximum is None:
        maximum = max(maximum, ticks[-1])

    def x(v: float) -> float:
        return label_w + plot_w * max(0.0, min(v, maximum)) / maximum

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{esc(chart.chart_id)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(chart.title)}" font-family="{esc(FONT)}" font-size="11">',
        f"<title>{esc(chart.title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="8" y="18" font-size="13" font-weight="600">{esc(chart.title)}</text>',
    ]
    y0 = top + legend_h
    if legend_h:
        lx = label_w
        for i, s in enumerate(chart.series):
            colour = PALETTE[i % len(PALETTE)]
            out.append(
                f'<rect x="{lx}" y="{top - 2}" width="10" height="10" fill="{colour}"/>'
                f'<text x="{lx + 14}" y="{top + 7}">{esc(s)}</text>'
            )
            lx += 24 + 7 * len(s)
    bottom = y0 + group_h * len(chart.groups)
    for t in ticks:
        tx = x(t)
        out.append(
            f'<line x1="{tx:.1f}" y1="{y0 - 4}" x2="{tx:.1f}" y2="{bottom}" stroke="#e3e3e3"/>'
            f'<text x="{tx:.1f}" y="{bottom + 14}" text-anchor="middle" fill="#555">'
            f"{esc(chart.value_format.format(t) if maximum <= 1 else f'{t:g}')}</text>"
        )
    for gi, group in enumerate(chart.groups):
        gy = y0 + gi * group_h
        mid = gy + bar_h * len(chart.series) / 2
        out.append(
            f'<text x="{label_w - 6}" y="{mid + 4:.1f}" text-anchor="end" class="group">'
            f"{esc(group)}</text>"
        )
        for si, s in enumerate(chart.series):
            by = gy + si * bar_h
            colour = PALETTE[si % len(PALETTE)]
            v = chart.values.get((group, s))
            if v is None or not math.isfinite(v):
                out.append(
                    f'<text x="{label_w + 4}" y="{by + bar_h - 3}" fill="#888">'
                    f"n/a ({esc(s)})</text>"
                )
                continue
            w = x(v) - label_w
            tip = f"{s} - {group}: {chart.value_format.format(v)}"
            iv = chart.intervals.get((group, s))
            if iv:
                tip += f" [{chart.value_format.format(iv[0])}, {chart.value_format.format(iv[1])}]"
            out.append(
                f'<rect class="bar" x="{label_w}" y="{by + 1}" width="{w:.1f}" '
                f'height="{bar_h - 2}" fill="{colour}"><title>{esc(tip)}</title></rect>'
            )
            end = x(v)
            if iv:
                lo, hi = x(iv[0]), x(iv[1])
                cy = by + bar_h / 2
                out.append(
                    f'<path class="ci" d="M{lo:.1f},{cy:.1f}H{hi:.1f}M{lo:.1f},{cy - 4:.1f}'
                    f'V{cy + 4:.1f}M{hi:.1f},{cy - 4:.1f}V{cy + 4:.1f}" stroke="#222" '
                    f'stroke-width="1.2" fill="none"/>'
                )
                end = max(end, hi)
            out.append(
                f'<text x="{end + 4:.1f}" y="{by + bar_h - 3}" fill="#333">'
                f"{esc(chart.value_format.format(v))}</text>"
            )
    out.append(f'<line x1="{label_w}" y1="{y0 - 4}" x2="{label_w}" y2="{bottom}" stroke="#888"/>')
    out.append("</svg>")
    return "\n".join(out)
