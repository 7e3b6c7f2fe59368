"""A matrix as an SVG scatter plot: named quadrants, cut-lines, labelled dots, a legend.

Plain SVG text, no library: it is embedded in the HTML report as it is and written by
`--plot DIR`. Every dot has a tooltip (`<title>`); the largest accounts also carry their name.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from kamrules.portfolio.plots import PlotModel

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels
WIDTH, HEIGHT = 760, 560
LEFT, RIGHT, TOP, BOTTOM = 112, 170, 48, 62
COLOURS = {
    "key_account": "#d62728",
    "potential_key_account": "#ff7f0e",
    "important_account": "#1f77b4",
    "regular_account": "#7f7f7f",
    "none": "#9467bd",
    "sector": "#2ca02c",
}
CUT = 'stroke="#2d3748" stroke-dasharray="5 4"'
SHADES = ("#e3eefb", "#fdf0dc", "#e4f5e6", "#f8e3ea", "#efe8f8", "#f1f1f1")


class Scale:
    """Data to pixels on one axis, linear or logarithmic, optionally reversed."""

    def __init__(self, lo: float, hi: float, a: float, b: float, log: bool = False) -> None:
        self.log = log
        self.lo, self.hi = (math.log10(lo), math.log10(hi)) if log else (lo, hi)
        self.a, self.b = a, b

    def __call__(self, v: float) -> float:
        t = math.log10(max(v, 1e-300)) if self.log else v
        span = (self.hi - self.lo) or 1.0
        return self.a + (t - self.lo) / span * (self.b - self.a)

    def ticks(self) -> list[float]:
        if self.log:
            # Powers of ten; over less than three decades, 2x and 5x as well.
            steps = (1.0,) if self.hi - self.lo >= 3 else (1.0, 2.0, 5.0)
            values = [m * 10.0**k for k in range(math.floor(self.lo), math.ceil(self.hi) + 1) for m in steps]
            return [v for v in values if self.lo <= math.log10(v) <= self.hi]
        span = self.hi - self.lo
        if span <= 0:
            return [self.lo]
        raw = span / 5
        mag = 10 ** math.floor(math.log10(raw))
        step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
        first = math.ceil(self.lo / step) * step
        out = []
        v = first
        while v <= self.hi + 1e-12:
            out.append(round(v, 10))
            v += step
        return out


def fmt_tick(value: float, kind: str) -> str:
    if kind == "percent":
        return f"{value * 100:.0f}%"
    if kind == "money":
        for unit, size in (("bn", 1e9), ("M", 1e6), ("k", 1e3)):
            if abs(value) >= size:
                return f"{value / size:g}{unit}"
        return f"{value:g}"
    return f"{value:g}"


def render_svg(plot: PlotModel, *, element_id: str | None = None) -> str:
    x0, x1 = LEFT, WIDTH - RIGHT
    y0, y1 = HEIGHT - BOTTOM, TOP
    sx = Scale(*plot.x_range, x0, x1, plot.log_x)
    sy = Scale(*plot.y_range, y0, y1, plot.log_y)
    out: list[str] = []
    add = out.append
    ident = f' id="{escape(element_id)}"' if element_id else ""
    add(
        f'<svg xmlns="http://www.w3.org/2000/svg"{ident} class="matrix" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(plot.title)}" '
        'font-family="DejaVu Sans, Arial, Helvetica, sans-serif">'
    )
    add(f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>')
    add(
        f'<text x="{WIDTH / 2:.0f}" y="26" text-anchor="middle" font-size="17" font-weight="bold">'
        f"{escape(plot.title)}</text>"
    )
    names: list[Box] = []  # where the quadrants' names are: dot names keep clear of them
    for c in plot.cells:
        cx0, cx1 = sorted((sx(c.x0), sx(c.x1)))
        cy0, cy1 = sorted((sy(c.y0), sy(c.y1)))
        add(
            f'<rect class="quadrant" x="{cx0:.1f}" y="{cy0:.1f}" width="{cx1 - cx0:.1f}" height="{cy1 - cy0:.1f}" '
            f'fill="{SHADES[c.shade]}" stroke="#ffffff" stroke-width="2"><title>{escape(c.label)}</title></rect>'
        )
        lines = wrap(c.label, cx1 - cx0)
        half = max(len(line) for line in lines) * 3.6
        names.append(((cx0 + cx1) / 2 - half, cy0 + 5, (cx0 + cx1) / 2 + half, cy0 + 8 + 14 * len(lines)))
        spans = "".join(
            f'<tspan x="{(cx0 + cx1) / 2:.1f}" dy="{0 if k == 0 else 14}">{escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        add(
            f'<text class="quadrant-name" x="{(cx0 + cx1) / 2:.1f}" y="{cy0 + 17:.1f}" text-anchor="middle" '
            f'font-size="12" font-weight="bold" fill="#4a5568">{spans}</text>'
        )
    _axes(plot, sx, sy, add)
    small = len(plot.dots) > 2000
    radius = 2.5 if small else 4.5
    for d in plot.dots:
        colour = COLOURS.get(d.group, "#333333")
        add(
            f'<circle class="dot" cx="{sx(d.x):.1f}" cy="{sy(d.y):.1f}" r="{radius}" fill="{colour}" '
            f'fill-opacity="0.85" stroke="#ffffff" stroke-width="0.6"><title>{escape(d.tooltip)}</title></circle>'
        )
    _labels(plot, sx, sy, add, names)
    _legend(plot, add)
    add("</svg>")
    return "\n".join(out)


def _labels(plot: PlotModel, sx: Scale, sy: Scale, add: Callable[[str], None], taken: list[Box]) -> None:
    """Name the labelled dots where a name fits: above right of the dot, above left, below
    right, below left, else not at all (the dot keeps its tooltip). Names overlap neither each
    other nor the quadrants' names, and stay inside the plot."""
    for d in plot.dots:
        if not d.label:
            continue
        text = d.label[:24]
        width, height = 5.8 * len(text), 11.0
        px, py = sx(d.x), sy(d.y)
        for x0, base in ((px + 6, py - 7), (px - 6 - width, py - 7), (px + 6, py + 14), (px - 6 - width, py + 14)):
            box = (x0, base - height + 2, x0 + width, base + 2)
            inside = box[0] >= LEFT and box[2] <= WIDTH - RIGHT and box[1] >= TOP and box[3] <= HEIGHT - BOTTOM
            if inside and not any(_overlap(box, other) for other in taken):
                taken.append(box)
                add(
                    f'<text class="dot-label" x="{x0:.1f}" y="{base:.1f}" font-size="10" fill="#1a202c">'
                    f"{escape(text)}</text>"
                )
                break


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def wrap(text: str, width: float, max_lines: int = 3) -> list[str]:
    """A quadrant's name in lines that fit its width (about 7 pixels a character)."""
    chars = max(6, int(width / 7.2))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [line if len(line) <= chars else line[: chars - 1] + "…" for line in lines]


def _axes(plot: PlotModel, sx: Scale, sy: Scale, add: Callable[[str], None]) -> None:
    x0, x1 = LEFT, WIDTH - RIGHT
    y0, y1 = HEIGHT - BOTTOM, TOP
    add(f'<rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" fill="none" stroke="#2d3748"/>')
    x_ticks = plot.x_ticks or [(t, fmt_tick(t, plot.x_format)) for t in sx.ticks()]
    y_ticks = plot.y_ticks or [(t, fmt_tick(t, plot.y_format)) for t in sy.ticks()]
    for t, label in x_ticks:
        px = sx(t)
        if x0 - 0.5 <= px <= x1 + 0.5:
            add(f'<line x1="{px:.1f}" y1="{y0}" x2="{px:.1f}" y2="{y0 + 5}" stroke="#2d3748"/>')
            add(f'<text x="{px:.1f}" y="{y0 + 18}" text-anchor="middle" font-size="11">{escape(label)}</text>')
    for t, label in y_ticks:
        py = sy(t)
        if y1 - 0.5 <= py <= y0 + 0.5:
            add(f'<line x1="{x0 - 5}" y1="{py:.1f}" x2="{x0}" y2="{py:.1f}" stroke="#2d3748"/>')
            add(f'<text x="{x0 - 8}" y="{py + 4:.1f}" text-anchor="end" font-size="11">{escape(label)}</text>')
    for c in plot.x_cuts:
        px = sx(c)
        if x0 < px < x1:
            add(f'<line class="cut" x1="{px:.1f}" y1="{y1}" x2="{px:.1f}" y2="{y0}" {CUT}/>')
    for c in plot.y_cuts:
        py = sy(c)
        if y1 < py < y0:
            add(f'<line class="cut" x1="{x0}" y1="{py:.1f}" x2="{x1}" y2="{py:.1f}" {CUT}/>')
    add(
        f'<text x="{(x0 + x1) / 2:.0f}" y="{HEIGHT - 18}" text-anchor="middle" font-size="12">'
        f"{escape(plot.x_label)}</text>"
    )
    add(
        f'<text x="16" y="{(y0 + y1) / 2:.0f}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 16 {(y0 + y1) / 2:.0f})">{escape(plot.y_label)}</text>'
    )


def _legend(plot: PlotModel, add: Callable[[str], None]) -> None:
    x = WIDTH - RIGHT + 16
    y = TOP + 8
    for key, label in plot.legend:
        if key:
            add(f'<circle cx="{x}" cy="{y}" r="5" fill="{COLOURS.get(key, "#333333")}"/>')
        colour = "#1a202c" if key else "#718096"
        add(f'<text x="{x + 10}" y="{y + 4}" font-size="11" fill="{colour}">{escape(label)}</text>')
        y += 20
