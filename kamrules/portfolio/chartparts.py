"""The parts a chart is drawn from, in pixels: texts with the box they take, lines, dots, and the
scale from data to pixels. `kamrules.portfolio.chartlayout` places them; the SVG and PNG writers
draw them as placed, so that the geometry a test checks is the geometry drawn.

Coordinates are an SVG's: x to the right, y down, (0, 0) the top left corner of the picture.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from kamrules.portfolio.fontmetrics import extents, text_width

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def overlap(a: Box, b: Box, gap: float = 0.0) -> bool:
    """Whether two boxes overlap (or come closer than `gap`)."""
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def inside(box: Box, frame: Box) -> bool:
    return frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]


def circle_hits(box: Box, cx: float, cy: float, r: float) -> bool:
    """Whether a circle of radius `r` reaches into `box`."""
    nx = min(max(cx, box[0]), box[2])
    ny = min(max(cy, box[1]), box[3])
    return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r


@dataclass(frozen=True)
class Text:
    """One line of text: `x` is its anchor (its start, middle or end), `y` its baseline."""

    x: float
    y: float
    text: str
    size: float
    anchor: str = "start"  # start, middle or end
    bold: bool = False
    rotated: bool = False  # turned a quarter left (an upright axis title), about (x, y)
    role: str = "text"  # what it is, for the writers' classes: title, quadrant-name, dot-label...
    colour: str = "#1a202c"

    @property
    def width(self) -> float:
        return text_width(self.text, self.size, self.bold)

    @property
    def box(self) -> Box:
        """The room the text takes (its advance width, from ascent to descent)."""
        w = self.width
        start = {"start": 0.0, "middle": -w / 2, "end": -w}[self.anchor]
        up, down = (e * self.size for e in extents(self.text))
        if self.rotated:  # turned about (x, y): the line runs upwards, its top to the left of x
            return (self.x - up, self.y - start - w, self.x + down, self.y - start)
        return (self.x + start, self.y - up, self.x + start + w, self.y + down)


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    role: str = "line"  # tick, cut, leader, frame


@dataclass(frozen=True)
class DotPart:
    cx: float
    cy: float
    r: float
    group: str  # the colour key
    tooltip: str
    labelled: bool = False  # one of the largest accounts, whose name is placed if there is room


@dataclass(frozen=True)
class CellPart:
    """A quadrant (or a cell of the revenue quality grid): its rectangle, colour and name."""

    box: Box
    shade: int
    label: str  # the whole name (the tooltip)
    lines: tuple[Text, ...]  # the name as drawn: wrapped, at the cell's top or bottom edge


class Scale:
    """Data to pixels on one axis, linear or logarithmic: `lo` maps to `a`, `hi` to `b`."""

    def __init__(self, lo: float, hi: float, a: float, b: float, log: bool = False) -> None:
        self.log = log
        self.lo, self.hi = (math.log10(lo), math.log10(hi)) if log else (lo, hi)
        self.a, self.b = a, b

    def __call__(self, v: float) -> float:
        t = math.log10(max(v, 1e-300)) if self.log else v
        span = (self.hi - self.lo) or 1.0
        return self.a + (t - self.lo) / span * (self.b - self.a)

    def ticks(self) -> list[float]:
        """Round values along the axis: powers of ten (and 2x, 5x over few decades), or about
        five steps of 1, 2, 2.5 or 5 times a power of ten."""
        if self.log:
            steps = (1.0,) if self.hi - self.lo >= 3 else (1.0, 2.0, 5.0)
            values = [m * 10.0**k for k in range(math.floor(self.lo), math.ceil(self.hi) + 1) for m in steps]
            return [v for v in values if self.lo <= math.log10(v) <= self.hi]
        span = self.hi - self.lo
        if span <= 0:
            return [self.lo]
        raw = span / 5
        mag = 10 ** math.floor(math.log10(raw))
        step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
        out = []
        v = math.ceil(self.lo / step) * step
        while v <= self.hi + 1e-12:
            out.append(round(v, 10))
            v += step
        return out


class DotIndex:
    """The dots in buckets of a grid, to ask quickly which dots a box touches."""

    def __init__(self, dots: list[DotPart], cell: float = 16.0) -> None:
        self.cell = cell
        self.buckets: dict[tuple[int, int], list[DotPart]] = {}
        for d in dots:
            for key in self._keys((d.cx - d.r, d.cy - d.r, d.cx + d.r, d.cy + d.r)):
                self.buckets.setdefault(key, []).append(d)

    def _keys(self, box: Box) -> Iterator[tuple[int, int]]:
        for i in range(math.floor(box[0] / self.cell), math.floor(box[2] / self.cell) + 1):
            for j in range(math.floor(box[1] / self.cell), math.floor(box[3] / self.cell) + 1):
                yield i, j

    def hits(self, box: Box, gap: float = 1.0) -> bool:
        """Whether any dot comes within `gap` pixels of `box`."""
        grown = (box[0] - gap, box[1] - gap, box[2] + gap, box[3] + gap)
        return any(circle_hits(grown, d.cx, d.cy, d.r) for key in self._keys(grown) for d in self.buckets.get(key, ()))

    def crosses(self, line: Line, skip: DotPart) -> int:
        """How many dots (other than `skip`) a leader line passes over (sampled every 2 pixels)."""
        length = math.hypot(line.x2 - line.x1, line.y2 - line.y1)
        steps = max(1, int(length / 2))
        seen: set[int] = set()
        for k in range(steps + 1):
            x = line.x1 + (line.x2 - line.x1) * k / steps
            y = line.y1 + (line.y2 - line.y1) * k / steps
            for key in self._keys((x, y, x, y)):
                for d in self.buckets.get(key, ()):
                    if d is not skip and (d.cx - x) ** 2 + (d.cy - y) ** 2 < d.r * d.r:
                        seen.add(id(d))
        return len(seen)
