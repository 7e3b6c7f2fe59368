"""The names of the largest accounts beside their dots, and the legend.

A name goes in the first place that overlaps no dot, no other text and no quadrant name and
stays inside the plot: next to its dot (right, left, above, below, and the corners), else a
little farther with a thin leader line to its dot, else shortened with an ellipsis and tried
again. A name with no room at all is left to its dot's tooltip, and the legend says how many.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kamrules.portfolio.chartparts import Box, DotIndex, DotPart, Line, Text, inside, overlap
from kamrules.portfolio.fontmetrics import ASCENT, DESCENT, shorten, text_width, wrap

if TYPE_CHECKING:
    from kamrules.portfolio.chartlayout import Chart

LABEL_SIZE = 10
LEGEND_SIZE = 11
NOTE_SIZE = 10
WIDTHS = (150.0, 96.0, 60.0)  # the longest a name may be, then shorter tries
DISTANCES = (16.0, 28.0, 44.0, 64.0, 90.0)  # farther places, with a leader line
DIRECTIONS = 24
NOTES = {
    "unnamed": ("not named for lack of room: {n}", "non nominati per mancanza di spazio: {n}"),
    "narrow": ("quadrants too narrow to name: {names}", "quadranti troppo stretti per il nome: {names}"),
}


def _near(x: float, y: float, r: float, text: str) -> list[Text]:
    """The places right beside a dot: right, left, the four corners, above, below."""
    g = r + 3
    mid = y + (ASCENT - DESCENT) * LABEL_SIZE / 2  # the baseline that centres the text on the dot
    above, below = y - g * 0.7 - DESCENT * LABEL_SIZE, y + g * 0.7 + ASCENT * LABEL_SIZE
    places = [
        (x + g, mid, "start"),
        (x - g, mid, "end"),
        (x + g * 0.7, above, "start"),
        (x - g * 0.7, above, "end"),
        (x + g * 0.7, below, "start"),
        (x - g * 0.7, below, "end"),
        (x, y - g - DESCENT * LABEL_SIZE, "middle"),
        (x, y + g + ASCENT * LABEL_SIZE, "middle"),
    ]
    return [Text(px, py, text, LABEL_SIZE, anchor, role="dot-label") for px, py, anchor in places]


def _far(dot: DotPart, text: str, distance: float) -> list[tuple[Text, Line]]:
    """Places `distance` pixels away, all around, each with its leader line from the dot."""
    out = []
    for k in range(DIRECTIONS):
        angle = 2 * math.pi * k / DIRECTIONS
        dx, dy = math.cos(angle), math.sin(angle)
        px, py = dot.cx + distance * dx, dot.cy + distance * dy
        anchor = "start" if dx > 0.3 else "end" if dx < -0.3 else "middle"
        base = py - DESCENT * LABEL_SIZE if dy < -0.3 else py + ASCENT * LABEL_SIZE if dy > 0.3 else py + 3
        leader = Line(dot.cx + dot.r * dx, dot.cy + dot.r * dy, px, py, "leader")
        out.append((Text(px, base, text, LABEL_SIZE, anchor, role="dot-label"), leader))
    return out


def place_labels(
    named: list[tuple[str, DotPart]], dots: DotIndex, taken: list[Box], frame: Box
) -> tuple[list[Text], list[Line], list[str]]:
    """(the names placed, their leader lines, the names left to their tooltips), the largest
    account first; `taken` holds the boxes no name may overlap (the quadrants' names)."""
    room = (frame[0] + 2, frame[1] + 2, frame[2] - 2, frame[3] - 2)
    boxes = list(taken)
    placed: list[Text] = []
    leaders: list[Line] = []
    unnamed: list[str] = []
    for name, dot in named:
        found = None
        for width in WIDTHS:
            text = shorten(name, width, LABEL_SIZE)
            if not text:
                continue
            candidates: list[tuple[Text, Line | None]] = [(t, None) for t in _near(dot.cx, dot.cy, dot.r, text)]
            for distance in DISTANCES:
                candidates += _far(dot, text, distance)
            for label, leader in candidates:
                box = label.box
                if not inside(box, room) or any(overlap(box, b, 2) for b in boxes) or dots.hits(box):
                    continue
                if leader is not None and (_crosses(leader, boxes) or dots.crosses(leader, dot) > 3):
                    continue
                found = (label, leader)
                break
            if found is not None:
                break
        if found is None:
            unnamed.append(name)
            continue
        label, leader = found
        placed.append(label)
        boxes.append(label.box)
        if leader is not None:
            leaders.append(leader)
    return placed, leaders, unnamed


def _crosses(line: Line, boxes: list[Box]) -> bool:
    """Whether a leader line runs through any of `boxes` (sampled every 2 pixels)."""
    steps = max(1, int(math.hypot(line.x2 - line.x1, line.y2 - line.y1) / 2))
    for k in range(steps + 1):
        x = line.x1 + (line.x2 - line.x1) * k / steps
        y = line.y1 + (line.y2 - line.y1) * k / steps
        if any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes):
            return True
    return False


def legend(chart: Chart, entries: list[tuple[str, str]], width: float, narrow: list[str], lang: str) -> list[Text]:
    """The legend right of the plot: a dot and a name per colour, then the notes (accounts not
    placed, names not shown), wrapped to the legend's width and cut where the plot ends."""
    x = chart.frame[2] + 16
    y = chart.frame[1] + 10
    texts: list[Text] = []
    notes: list[str] = []
    for key, label in entries:
        if not key:
            notes.append(label)
            continue
        chart.legend_dots.append((x + 5, y - 4, key))
        texts.append(Text(x + 14, y, shorten(label, width - 14, LEGEND_SIZE), LEGEND_SIZE, role="legend"))
        y += 20
    which = 1 if lang == "it" else 0
    if chart.unnamed:
        notes.append(NOTES["unnamed"][which].format(n=len(chart.unnamed)))
    if narrow:
        notes.append(NOTES["narrow"][which].format(names=", ".join(narrow)))
    y += 6
    for note in notes:
        for line in wrap(note, width, NOTE_SIZE, False, 4):
            if y + DESCENT * NOTE_SIZE > chart.frame[3]:
                return texts
            texts.append(Text(x, y, line, NOTE_SIZE, role="note", colour="#4a5568"))
            y += NOTE_SIZE * 1.3
        y += 4
    return texts


def legend_width(entries: list[tuple[str, str]]) -> float:
    """How wide the legend is: its widest name with its dot, between 110 and 170 pixels."""
    widths = [text_width(label, LEGEND_SIZE) + 16 for key, label in entries if key]
    return min(170.0, max([110.0, *widths]))
