"""The pictures' geometry, checked on every matrix of generated portfolios of 1, 12, 200 and
10,000 accounts whose largest accounts have long and hostile names: no text overlaps another
text or a dot, nothing is outside the picture, every dot is inside the plot, and every text of
the SVG is escaped (it parses, and shows the name as text)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from kamrules.portfolio.chartlayout import Chart, layout
from kamrules.portfolio.chartparts import DotIndex, inside, overlap
from kamrules.portfolio.plots import shown_name
from kamrules.portfolio.svg import render_svg
from tests.support.portfolios import HOSTILE_NAMES, hostile_outcome

SVG = "{http://www.w3.org/2000/svg}"


def check(chart: Chart) -> None:
    view = (0.0, 0.0, chart.width, chart.height)
    texts = [t for t in chart.all_texts() if t.text]
    for t in texts:
        assert inside(t.box, view), f"{t.role} {t.text!r} leaves the picture: {t.box}"
    for a, b in itertools.combinations(texts, 2):
        assert not overlap(a.box, b.box), f"{a.role} {a.text!r} overlaps {b.role} {b.text!r}"
    dots = DotIndex(chart.dots)
    for t in texts:
        assert not dots.hits(t.box, gap=0.0), f"{t.role} {t.text!r} covers a dot"
    for x, y, _key in chart.legend_dots:
        assert inside((x - 5, y - 5, x + 5, y + 5), view)
        assert not any(overlap((x - 5, y - 5, x + 5, y + 5), t.box) for t in texts)
    frame = chart.frame
    for d in chart.dots:
        assert inside((d.cx - d.r, d.cy - d.r, d.cx + d.r, d.cy + d.r), frame), d
    for line in [*chart.lines, *chart.leaders]:
        assert inside(
            (min(line.x1, line.x2), min(line.y1, line.y2), max(line.x1, line.x2), max(line.y1, line.y2)), view
        )


def outcome(n: int) -> Any:
    if n == 12:  # the example portfolio, with its own names
        from kamrules.portfolio.run import Request, run_portfolio
        from tests.support import AS_OF, EXAMPLES

        folder = EXAMPLES / "portfolio"
        request = Request(str(folder / "portfolio.csv"), AS_OF, sectors=str(folder / "sectors.yaml"), keep_points=True)
        return run_portfolio(request, lambda _row: None)
    return hostile_outcome(n)


@pytest.mark.parametrize("n", [1, 12, 200, pytest.param(10_000, marks=pytest.mark.slow)])
def test_no_text_overlaps_a_text_or_a_dot_and_nothing_leaves_the_picture(n: int) -> None:
    for plot in outcome(n).plots:
        chart = layout(plot)
        check(chart)
        if n >= 12 and plot.id != "attractiveness_adaptability":
            assert chart.labels, f"{plot.id}: no account named"  # the largest are named where there is room
        # Every quadrant is named, whole, on a picture of the usual size.
        names = [" ".join(t.text for t in cell.lines) for cell in chart.cells]
        assert names == [" ".join(cell.label.split()) for cell in plot.cells], plot.id


@pytest.mark.parametrize("n", [1, 200])
def test_every_text_of_the_svg_is_escaped(n: int) -> None:
    for plot in outcome(n).plots:
        svg = ET.fromstring(render_svg(plot))
        assert not svg.findall(f".//{SVG}script") and not [e for e in svg.iter() if e.tag.endswith("}svg")][1:]
        labels = ["".join(t.itertext()) for t in svg.findall(f".//{SVG}text[@class='dot-label']")]
        tips = ["".join(t.itertext()) for t in svg.iter(f"{SVG}title")]
        for name in HOSTILE_NAMES[:n]:
            if plot.id != "attractiveness_adaptability":
                # Whole in its tooltip, on one line, without the controls that would reverse it.
                assert any(shown_name(name) in tip for tip in tips), (plot.id, name)
        assert "\u202e" not in "".join(tips) and "\n" not in "".join(labels)
        for label in labels:
            assert label.endswith("…") or label in {d.label for d in plot.dots}


def test_a_name_too_long_is_cut_with_an_ellipsis() -> None:
    plot = next(p for p in outcome(200).plots if p.id == "profitability_duration")
    chart = layout(plot)
    long_name = HOSTILE_NAMES[2]
    shown = [t.text for t in chart.labels if long_name.startswith(t.text.rstrip("…"))]
    assert shown and shown[0].endswith("…") and len(shown[0]) < len(long_name)


def test_ten_thousand_dots_are_light_and_keep_their_quadrant_names_clear() -> None:
    plot = next(p for p in outcome(200).plots if p.id == "revenue_potential")
    import dataclasses

    copies = [dataclasses.replace(d, label=None, rank=None) for d in plot.dots] * 49
    many = dataclasses.replace(plot, dots=[*plot.dots, *copies])  # 10,000 dots
    chart = layout(many)
    check(chart)
    svg = render_svg(many, chart=chart)
    assert len(svg.encode()) < 250_000  # one path per colour, a tooltip only on the named dots
    assert svg.count("<circle") <= 15 + 10
