"""Where everything of a matrix picture goes, in pixels: margins wide enough for the axis labels,
the quadrants' names in strips no dot enters, the dots, their names, the legend.

The rules a picture keeps, whatever the portfolio (tests/portfolio/test_chart_geometry.py
checks them on 1 to 10,000 accounts with long and hostile names): no text overlaps another text
or a dot, and nothing is outside the picture. A text that does not fit is shortened with an ellipsis (the whole text
stays in the tooltip); see kamrules.portfolio.chartlabels for the dots' names.

* The margins follow the texts: the left one is as wide as the widest tick label of the
  vertical axis, the right one as the legend; named ticks are wrapped to the room between them.
* The quadrants' names sit at the outer edge of their quadrant (the top for the upper row, the
  bottom for the lower one), in a strip the scale keeps free of data, so no dot covers them.
  Revenue quality's grid keeps such a strip at the top of every row; a name is written smaller
  before it is cut, and a cell too narrow for any name is said in the legend.
* One scale serves the cut-lines, the ticks and the dots, inset from the frame by a dot's width.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from kamrules.i18n.numbers import compact, percent
from kamrules.portfolio.chartlabels import legend, legend_width, place_labels
from kamrules.portfolio.chartparts import Box, CellPart, DotIndex, DotPart, Line, Scale, Text
from kamrules.portfolio.fontmetrics import ASCENT, DESCENT, extents, shorten, text_width, wrap
from kamrules.portfolio.plots import PlotModel

WIDTH, HEIGHT = 760, 560
EDGE = 8  # nothing closer than this to the picture's border
TOP = 48  # the plot starts under the title
TITLE_SIZE, TICK_SIZE, AXIS_SIZE = 17, 11, 12
TICK_STEP = 14  # between the lines of a wrapped tick label
NAME_SIZES = (12, 11, 10)  # a quadrant's name, smaller in a narrow cell rather than cut
# Drawn in this order: the tiers that matter most end on top.
DRAW_ORDER = ("none", "regular_account", "important_account", "potential_key_account", "key_account", "sector")
MAX_TOOLTIPS = 1000  # beyond this many dots, only the named ones carry a tooltip (the page stays light)


@dataclass
class Chart:
    """A matrix, placed: every part in pixels, ready to draw."""

    width: float
    height: float
    frame: Box  # the plot area
    title: Text
    cells: list[CellPart] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)  # the frame, ticks, cut-lines
    texts: list[Text] = field(default_factory=list)  # tick labels, axis titles, legend texts and notes
    dots: list[DotPart] = field(default_factory=list)
    labels: list[Text] = field(default_factory=list)  # the dots' names
    leaders: list[Line] = field(default_factory=list)
    legend_dots: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, colour key
    unnamed: list[str] = field(default_factory=list)  # labelled dots left to their tooltips
    compact: bool = False  # so many dots that only the named ones carry a tooltip

    def all_texts(self) -> Iterator[Text]:
        yield self.title
        for cell in self.cells:
            yield from cell.lines
        yield from self.texts
        yield from self.labels


class Banded:
    """Revenue quality's axes: band k spans the values [k, k + 1], all bands equally wide from
    pixel `a` to `b`. A dot's value k + t is placed at the fraction t of the part of its band
    that its name strip (`strips[k]`, pixels at the band's far end) leaves free."""

    def __init__(self, bands: int, a: float, b: float, r: float, strips: Sequence[float] = ()) -> None:
        self.n = bands
        self.a, self.step, self.r = a, (b - a) / bands, r
        self.strips = list(strips) or [0.0] * bands

    def edge(self, v: float) -> float:
        return self.a + v * self.step

    def __call__(self, v: float) -> float:
        k = min(max(int(v), 0), self.n - 1)
        sign = 1 if self.step > 0 else -1
        lo = self.edge(k) + sign * (self.r + 2)
        hi = self.edge(k + 1) - sign * (self.r + 2 + self.strips[k])
        return lo + (v - k) * (hi - lo)


Axis = Scale | Banded


def dot_radius(n: int) -> float:
    return 5.0 if n <= 50 else 4.0 if n <= 500 else 3.0 if n <= 2000 else 2.0


def tick_text(value: float, kind: str, lang: str) -> str:
    if kind == "percent":
        return percent(value, lang, 0)
    if kind == "money":
        return compact(value, lang)
    return f"{value:g}".replace(".", "," if lang == "it" else ".")


def layout(plot: PlotModel) -> Chart:
    """Place every part of `plot` (see the module's docstring)."""
    title = Text(
        WIDTH / 2, 28, shorten(plot.title, WIDTH - 2 * EDGE, TITLE_SIZE, True), TITLE_SIZE, "middle", True, role="title"
    )
    y_labels = [(v, shorten(label, 150, TICK_SIZE)) for v, label in _ticks(plot, "y")]
    widest = max((text_width(label, TICK_SIZE) for _, label in y_labels), default=0.0)
    x0 = EDGE + AXIS_SIZE + 10 + widest + 9
    side = legend_width(plot.legend)
    x1 = WIDTH - side - 22
    r = dot_radius(len(plot.dots))
    across: Axis = (
        Banded(round(plot.x_range[1] - plot.x_range[0]), x0, x1, r)
        if plot.banded
        else Scale(plot.x_range[0], plot.x_range[1], x0 + r + 2, x1 - r - 2, plot.log_x)
    )
    x_lines = _x_tick_lines(plot, across, x0, x1)
    frame = (x0, float(TOP), x1, HEIGHT - (6 + len(x_lines) * TICK_STEP + 8 + AXIS_SIZE + EDGE + 4))
    chart = Chart(WIDTH, HEIGHT, frame, title)
    narrow, up = _cells(chart, plot, across, r)
    chart.lines.append(Line(frame[0], frame[1], frame[2], frame[3], "frame"))
    _axes(chart, plot, x_lines, y_labels, across, up)
    order = {g: k for k, g in enumerate(DRAW_ORDER)}
    dots = sorted(plot.dots, key=lambda d: order.get(d.group, 0))
    chart.dots = [
        DotPart(across(d.x), up(d.y), r, d.group, d.tooltip, d.label is not None and d.rank is not None) for d in dots
    ]
    chart.compact = len(chart.dots) > MAX_TOOLTIPS
    named = sorted(
        ((d, part) for d, part in zip(dots, chart.dots, strict=True) if part.labelled), key=lambda dp: dp[0].rank or 0
    )
    taken = [t.box for cell in chart.cells for t in cell.lines]
    chart.labels, chart.leaders, chart.unnamed = place_labels(
        [(str(d.label), part) for d, part in named], DotIndex(chart.dots), taken, frame
    )
    chart.texts += legend(chart, plot.legend, side, narrow, plot.lang)
    return chart


def _ticks(plot: PlotModel, axis: str) -> list[tuple[float, str]]:
    named = plot.x_ticks if axis == "x" else plot.y_ticks
    if named is not None:
        return named
    lo, hi = plot.x_range if axis == "x" else plot.y_range
    log = plot.log_x if axis == "x" else plot.log_y
    kind = plot.x_format if axis == "x" else plot.y_format
    return [(v, tick_text(v, kind, plot.lang)) for v in Scale(lo, hi, 0.0, 1.0, log).ticks()]


def _at(axis: Axis, v: float) -> float:
    """Where a value of the axis is: a band's value by its band, not by the dots' placing."""
    return axis.edge(v) if isinstance(axis, Banded) else axis(v)


def _x_tick_lines(plot: PlotModel, across: Axis, x0: float, x1: float) -> list[list[tuple[float, str]]]:
    """The tick labels under the horizontal axis, line by line: named ticks wrapped to the room
    between them (two lines at most), numbers thinned until they keep apart."""
    at = [(_at(across, v), label) for v, label in _ticks(plot, "x")]
    at = [(px, label) for px, label in at if x0 - 0.5 <= px <= x1 + 0.5]
    if plot.x_ticks is not None:
        gaps = [b[0] - a[0] for a, b in itertools.pairwise(at)] or [x1 - x0]
        wrapped = [wrap(label, min(gaps) - 8, TICK_SIZE, False, 2) for _, label in at]
        depth = max((len(w) for w in wrapped), default=1)
        return [
            [(px, w[k] if k < len(w) else "") for (px, _), w in zip(at, wrapped, strict=True)] for k in range(depth)
        ]
    step = 1
    while step < len(at) and any(
        b[0] - a[0] < (text_width(a[1], TICK_SIZE) + text_width(b[1], TICK_SIZE)) / 2 + 10
        for a, b in zip(at[::step], at[step::step], strict=False)
    ):
        step += 1
    return [at[::step]]


def _cells(chart: Chart, plot: PlotModel, across: Axis, r: float) -> tuple[list[str], Axis]:
    """The cells with their names fitted (and the names of cells too narrow for one), and the
    vertical axis that keeps the dots off the names."""
    frame = chart.frame
    x_lo, x_hi = plot.x_range
    lo, hi = plot.y_range

    def x_of(v: float) -> float:
        if isinstance(across, Banded):
            return across.edge(v)
        return frame[0] if v <= x_lo else frame[2] if v >= x_hi else across(v)

    fitted = [fit_name(cell.label, abs(x_of(cell.x1) - x_of(cell.x0)) - 10) for cell in plot.cells]
    narrow = [cell.label for cell, (lines, _) in zip(plot.cells, fitted, strict=True) if not lines]

    def strip(k: int) -> float:
        lines, size = fitted[k]
        return len(lines) * line_step(plot.cells[k].label, size) + 8 if lines else 0.0

    cuts = [c for c in plot.y_cuts if lo < c < hi]
    up: Axis
    if plot.banded:
        bands = round(hi - lo)
        strips = [
            max((strip(k) for k, c in enumerate(plot.cells) if int(c.y0) == j), default=0.0) for j in range(bands)
        ]
        up = Banded(bands, frame[3], frame[1], r, strips)
    else:
        top = max((strip(k) for k, c in enumerate(plot.cells) if c.y1 >= hi), default=0.0)
        low = max((strip(k) for k, c in enumerate(plot.cells) if c.y0 <= lo), default=0.0) if cuts else 0.0
        up = Scale(lo, hi, frame[3] - low - r - 2, frame[1] + top + r + 2, plot.log_y)

    def y_of(v: float) -> float:
        if isinstance(up, Banded):
            return up.edge(v)
        return frame[3] if v <= lo else frame[1] if v >= hi else up(v)

    for cell, name in zip(plot.cells, fitted, strict=True):
        xs, ys = sorted((x_of(cell.x0), x_of(cell.x1))), sorted((y_of(cell.y0), y_of(cell.y1)))
        box = (xs[0], ys[0], xs[1], ys[1])
        at_bottom = not plot.banded and bool(cuts) and cell.y0 <= lo
        chart.cells.append(CellPart(box, cell.shade, cell.label, _name_lines(name, box, at_bottom)))
    return narrow, up


def fit_name(label: str, width: float) -> tuple[list[str], float]:
    """A quadrant's name in lines of at most `width` pixels: whole at the largest size it fits
    in (three lines, or four at the smallest size), else shortened; no lines in a cell too narrow
    for even a few letters."""
    if width < 24:
        return [], NAME_SIZES[-1]
    whole = " ".join(label.split())
    for size in NAME_SIZES:
        for most in (3, 4) if size == NAME_SIZES[-1] else (3,):
            lines = wrap(label, width, size, True, most)
            if " ".join(lines) == whole:
                return lines, size
    return wrap(label, width, NAME_SIZES[-1], True, 4), NAME_SIZES[-1]


def line_step(text: str, size: float) -> float:
    """The distance between the baselines of two lines of `text` that must not touch."""
    up, down = extents(text)
    return max(1.2, up + down + 0.05) * size


def _name_lines(fitted: tuple[list[str], float], box: Box, at_bottom: bool) -> tuple[Text, ...]:
    lines, size = fitted
    step = line_step(" ".join(lines), size)
    up, down = extents(" ".join(lines))
    centre = (box[0] + box[2]) / 2
    first = box[3] - 4 - down * size - step * (len(lines) - 1) if at_bottom else box[1] + 4 + up * size
    return tuple(
        Text(centre, first + k * step, line, size, "middle", True, role="quadrant-name", colour="#4a5568")
        for k, line in enumerate(lines)
    )


def _axes(
    chart: Chart,
    plot: PlotModel,
    x_lines: list[list[tuple[float, str]]],
    y_labels: list[tuple[float, str]],
    across: Axis,
    up: Axis,
) -> None:
    """Ticks and their labels, the cut-lines, and the two axis titles."""
    x0, y0, x1, y1 = chart.frame
    for depth, line in enumerate(x_lines):
        for px, label in line:
            if depth == 0:
                chart.lines.append(Line(px, y1, px, y1 + 5, "tick"))
            if label:
                half = text_width(label, TICK_SIZE) / 2
                cx = min(max(px, EDGE + half), chart.width - EDGE - half)  # the outer ones stay in
                chart.texts.append(Text(cx, y1 + 18 + depth * TICK_STEP, label, TICK_SIZE, "middle", role="tick"))
    kept = -100.0
    for v, label in sorted(y_labels, key=lambda vl: -_at(up, vl[0])):
        py = _at(up, v)
        if not y0 - 0.5 <= py <= y1 + 0.5:
            continue
        chart.lines.append(Line(x0 - 5, py, x0, py, "tick"))
        if abs(py - kept) >= TICK_SIZE + 3:  # labels that would touch the one below are left out
            chart.texts.append(Text(x0 - 8, py + 4, label, TICK_SIZE, "end", role="tick"))
            kept = py
    for c in plot.x_cuts:
        px = _at(across, c)
        if x0 < px < x1:
            chart.lines.append(Line(px, y0, px, y1, "cut"))
    for c in plot.y_cuts:
        py = _at(up, c)
        if y0 < py < y1:
            chart.lines.append(Line(x0, py, x1, py, "cut"))
    x_title = shorten(plot.x_label, x1 - x0, AXIS_SIZE)
    chart.texts.append(
        Text((x0 + x1) / 2, chart.height - EDGE - DESCENT * AXIS_SIZE, x_title, AXIS_SIZE, "middle", role="axis")
    )
    y_title = shorten(plot.y_label, y1 - y0, AXIS_SIZE)
    chart.texts.append(
        Text(EDGE + ASCENT * AXIS_SIZE, (y0 + y1) / 2, y_title, AXIS_SIZE, "middle", rotated=True, role="axis")
    )
