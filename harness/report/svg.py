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


@dataclass(frozen=True)
class _Layout:
    """Where things go in a chart's SVG."""

    chart: BarChart
    width: int
    maximum: float
    label_w: int = 150
    value_w: int = 56
    top: int = 34
    bar_h: int = 14
    gap: int = 10

    @property
    def legend_h(self) -> int:
        return 22 if len(self.chart.series) > 1 else 0

    @property
    def group_h(self) -> int:
        return self.bar_h * max(1, len(self.chart.series)) + self.gap

    @property
    def y0(self) -> int:
        return self.top + self.legend_h

    @property
    def bottom(self) -> int:
        return self.y0 + self.group_h * len(self.chart.groups)

    @property
    def height(self) -> int:
        return self.y0 + self.group_h * max(1, len(self.chart.groups)) + 24

    def x(self, v: float) -> float:
        plot_w = self.width - self.label_w - self.value_w
        return self.label_w + plot_w * max(0.0, min(v, self.maximum)) / self.maximum


def _axis(chart: BarChart) -> tuple[float, list[float]]:
    """The axis maximum and its ticks (scores: 0 to 1; counts: scaled to the data)."""
    data = [v for v in chart.values.values() if v is not None and math.isfinite(v)]
    data += [hi for _, hi in chart.intervals.values()]
    maximum = chart.maximum or max([1.0, *data])
    ticks = _ticks(maximum)
    if chart.maximum is None:
        maximum = max(maximum, ticks[-1])
    return maximum, ticks


def _legend(lay: _Layout) -> list[str]:
    if not lay.legend_h:
        return []
    out, lx = [], lay.label_w
    for i, s in enumerate(lay.chart.series):
        colour = PALETTE[i % len(PALETTE)]
        out.append(
            f'<rect x="{lx}" y="{lay.top - 2}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{lay.top + 7}">{esc(s)}</text>'
        )
        lx += 24 + 7 * len(s)
    return out


def _grid(lay: _Layout, ticks: Sequence[float]) -> list[str]:
    fmt = lay.chart.value_format
    return [
        f'<line x1="{lay.x(t):.1f}" y1="{lay.y0 - 4}" x2="{lay.x(t):.1f}" y2="{lay.bottom}" '
        f'stroke="#e3e3e3"/><text x="{lay.x(t):.1f}" y="{lay.bottom + 14}" text-anchor="middle" '
        f'fill="#555">{esc(fmt.format(t) if lay.maximum <= 1 else f"{t:g}")}</text>'
        for t in ticks
    ]


def _bar(lay: _Layout, group: str, si: int, by: float) -> list[str]:
    """One series' bar in a group, its whisker and its value (or "n/a")."""
    chart, bar_h = lay.chart, lay.bar_h
    s = chart.series[si]
    v = chart.values.get((group, s))
    if v is None or not math.isfinite(v):
        return [
            f'<text x="{lay.label_w + 4}" y="{by + bar_h - 3}" fill="#888">n/a ({esc(s)})</text>'
        ]
    fmt = chart.value_format
    tip = f"{s} - {group}: {fmt.format(v)}"
    iv = chart.intervals.get((group, s))
    if iv:
        tip += f" [{fmt.format(iv[0])}, {fmt.format(iv[1])}]"
    out = [
        f'<rect class="bar" x="{lay.label_w}" y="{by + 1}" width="{lay.x(v) - lay.label_w:.1f}" '
        f'height="{bar_h - 2}" fill="{PALETTE[si % len(PALETTE)]}"><title>{esc(tip)}</title></rect>'
    ]
    end = lay.x(v)
    if iv:
        lo, hi = lay.x(iv[0]), lay.x(iv[1])
        cy = by + bar_h / 2
        out.append(
            f'<path class="ci" d="M{lo:.1f},{cy:.1f}H{hi:.1f}M{lo:.1f},{cy - 4:.1f}'
            f'V{cy + 4:.1f}M{hi:.1f},{cy - 4:.1f}V{cy + 4:.1f}" stroke="#222" '
            f'stroke-width="1.2" fill="none"/>'
        )
        end = max(end, hi)
    out.append(
        f'<text x="{end + 4:.1f}" y="{by + bar_h - 3}" fill="#333">{esc(fmt.format(v))}</text>'
    )
    return out


def _groups(lay: _Layout) -> list[str]:
    out = []
    for gi, group in enumerate(lay.chart.groups):
        gy = lay.y0 + gi * lay.group_h
        mid = gy + lay.bar_h * len(lay.chart.series) / 2
        out.append(
            f'<text x="{lay.label_w - 6}" y="{mid + 4:.1f}" text-anchor="end" class="group">'
            f"{esc(group)}</text>"
        )
        for si in range(len(lay.chart.series)):
            out += _bar(lay, group, si, gy + si * lay.bar_h)
    return out


def bar_chart(chart: BarChart, width: int = 600) -> str:
    """Render ``chart`` as a standalone ``<svg>`` element (valid as a file and inline in HTML)."""
    maximum, ticks = _axis(chart)
    lay = _Layout(chart, width, maximum)
    height = lay.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{esc(chart.chart_id)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(chart.title)}" font-family="{esc(FONT)}" font-size="11">',
        f"<title>{esc(chart.title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="8" y="18" font-size="13" font-weight="600">{esc(chart.title)}</text>',
        *_legend(lay),
        *_grid(lay, ticks),
        *_groups(lay),
        f'<line x1="{lay.label_w}" y1="{lay.y0 - 4}" x2="{lay.label_w}" y2="{lay.bottom}" '
        'stroke="#888"/>',
        "</svg>",
    ]
    return "\n".join(out)
