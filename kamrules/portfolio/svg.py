"""A matrix as an SVG picture, drawn as kamrules.portfolio.chartlayout placed it: named shaded
quadrants, cut-lines, dots coloured by tier, the largest accounts named, a legend.

Plain SVG text, no library: it is embedded in the HTML report as it is and written by
`--plot DIR`. Every text is escaped. Every dot has a tooltip (`<title>`), up to a thousand dots;
beyond, the dots of each colour are one path (a few bytes each, so that 10,000 accounts make a
light page), and only the named ones keep a tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from kamrules.portfolio.chartlayout import Chart, layout
from kamrules.portfolio.chartparts import Line, Text
from kamrules.portfolio.plots import PlotModel

COLOURS = {
    "key_account": "#d62728",
    "potential_key_account": "#ff7f0e",
    "important_account": "#1f77b4",
    "regular_account": "#7f7f7f",
    "none": "#9467bd",
    "sector": "#2ca02c",
}
SHADES = ("#e3eefb", "#fdf0dc", "#e4f5e6", "#f8e3ea", "#efe8f8", "#f1f1f1")
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"  # what the widths are measured on (fontmetrics)
STROKES = {
    "frame": 'stroke="#2d3748" fill="none"',
    "tick": 'stroke="#2d3748"',
    "cut": 'stroke="#2d3748" stroke-dasharray="5 4"',
    "leader": 'stroke="#4a5568" stroke-width="0.8"',
}


def render_svg(plot: PlotModel, *, element_id: str | None = None, chart: Chart | None = None) -> str:
    """The SVG text of `plot` (placed by `layout` unless `chart` is given)."""
    chart = chart or layout(plot)
    out: list[str] = []
    add = out.append
    ident = f' id="{escape(element_id)}"' if element_id else ""
    add(
        f'<svg xmlns="http://www.w3.org/2000/svg"{ident} class="matrix" viewBox="0 0 {chart.width:g} {chart.height:g}" '
        f'width="{chart.width:g}" height="{chart.height:g}" role="img" aria-label="{escape(plot.title)}" '
        f'font-family="{FONT}">'
    )
    add(f'<rect x="0" y="0" width="{chart.width:g}" height="{chart.height:g}" fill="#ffffff"/>')
    for cell in chart.cells:
        x0, y0, x1, y1 = cell.box
        add(
            f'<rect class="quadrant" x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
            f'fill="{SHADES[cell.shade % len(SHADES)]}" stroke="#ffffff" stroke-width="2">'
            f"<title>{escape(cell.label)}</title></rect>"
        )
    for line in chart.lines:
        _line(line, add)
    for line in chart.leaders:
        _line(line, add)
    _dots(chart, add)
    for cell in chart.cells:  # a quadrant's name: one text, a line each
        if cell.lines:
            first = cell.lines[0]
            spans = "".join(f'<tspan x="{t.x:.1f}" y="{t.y:.1f}">{escape(t.text)}</tspan>' for t in cell.lines)
            add(
                f'<text class="quadrant-name" x="{first.x:.1f}" y="{first.y:.1f}" font-size="{first.size:g}" '
                f'text-anchor="middle" font-weight="bold" fill="{first.colour}">{spans}</text>'
            )
    for text in [chart.title, *chart.texts, *chart.labels]:
        add(_text(text))
    for x, y, key in chart.legend_dots:
        add(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{COLOURS.get(key, "#333333")}"/>')
    add("</svg>")
    return "\n".join(out)


def _line(line: Line, add: Callable[[str], None]) -> None:
    if line.role == "frame":
        add(
            f'<rect x="{line.x1:.1f}" y="{line.y1:.1f}" width="{line.x2 - line.x1:.1f}" '
            f'height="{line.y2 - line.y1:.1f}" {STROKES["frame"]}/>'
        )
        return
    add(
        f'<line class="{line.role}" x1="{line.x1:.1f}" y1="{line.y1:.1f}" x2="{line.x2:.1f}" y2="{line.y2:.1f}" '
        f"{STROKES.get(line.role, STROKES['tick'])}/>"
    )


def _dots(chart: Chart, add: Callable[[str], None]) -> None:
    if not chart.compact:
        for d in chart.dots:
            colour = COLOURS.get(d.group, "#333333")
            add(
                f'<circle class="dot" cx="{d.cx:.1f}" cy="{d.cy:.1f}" r="{d.r:g}" fill="{colour}" fill-opacity="0.85" '
                f'stroke="#ffffff" stroke-width="0.6"><title>{escape(d.tooltip)}</title></circle>'
            )
        return
    # Many dots: each colour one path of zero-length strokes with round caps (a dot each).
    groups: dict[str, list[str]] = {}
    for d in chart.dots:
        if not d.labelled:
            groups.setdefault(d.group, []).append(f"M{d.cx:.1f} {d.cy:.1f}h0")
    for group, moves in groups.items():
        width = 2 * chart.dots[0].r
        add(
            f'<path class="dots" d="{"".join(dict.fromkeys(moves))}" stroke="{COLOURS.get(group, "#333333")}" '
            f'stroke-opacity="0.75" stroke-width="{width:g}" stroke-linecap="round" fill="none"/>'
        )
    for d in chart.dots:
        if d.labelled:
            add(
                f'<circle class="dot" cx="{d.cx:.1f}" cy="{d.cy:.1f}" r="{d.r:g}" '
                f'fill="{COLOURS.get(d.group, "#333333")}"><title>{escape(d.tooltip)}</title></circle>'
            )


def _text(text: Text) -> str:
    # The classes a test or a style sheet may select; the others are prefixed so that no rule of
    # the page embedding the picture (a .note, a .title) can restyle its texts.
    kind = text.role if text.role in ("dot-label", "quadrant-name") else f"chart-{text.role}"
    weight = ' font-weight="bold"' if text.bold else ""
    anchor = f' text-anchor="{text.anchor}"' if text.anchor != "start" else ""
    turn = f' transform="rotate(-90 {text.x:.1f} {text.y:.1f})"' if text.rotated else ""
    if text.role == "dot-label":  # a pale halo keeps a name readable over a cut-line or a shade
        turn += ' paint-order="stroke" stroke="#ffffff" stroke-opacity="0.8" stroke-width="3" stroke-linejoin="round"'
    return (
        f'<text class="{kind}" x="{text.x:.1f}" y="{text.y:.1f}" font-size="{text.size:g}"{anchor}{weight}{turn} '
        f'fill="{text.colour}">{escape(text.text)}</text>'
    )
