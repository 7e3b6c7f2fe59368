"""A matrix as a PNG picture: the same placed chart as the SVG (kamrules.portfolio.chartlayout),
drawn by matplotlib at twice the SVG's size.

matplotlib renders text (with DejaVu Sans, the font the layout measures), anti-aliasing and PNG
encoding properly; it is also large (with numpy and Pillow), and only the PNG pictures of
`--plot DIR` need it. So it is an optional extra, `pip install 'kamrules[plots]'`, imported only
here; without it `--plot` writes the SVG pictures and says how to get the PNG ones.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from kamrules import codes
from kamrules.errors import ArgumentError
from kamrules.portfolio.chartlayout import Chart, layout
from kamrules.portfolio.chartparts import Line, Text
from kamrules.portfolio.plots import PlotModel
from kamrules.portfolio.svg import COLOURS, SHADES

INSTALL = "pip install 'kamrules[plots]'"
PIXELS_PER_INCH = 100  # the chart's pixels; the PNG has SCALE times as many
SCALE = 2
POINTS = 72 / PIXELS_PER_INCH  # a chart pixel in typographic points


def matplotlib_missing() -> str | None:
    """Why PNG pictures cannot be drawn (matplotlib is not installed), or None when they can."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return f"PNG pictures need matplotlib, which is not installed: {INSTALL}"
    return None


def require_matplotlib() -> Any:
    """matplotlib's pyplot, or an `ArgumentError` (about `plot_dir`, where the PNG pictures were
    asked for) saying how to install it."""
    if matplotlib_missing() is not None:
        raise ArgumentError(
            codes.MISSING_EXTRA,
            "plot_dir",
            "{parameter} writes PNG pictures with matplotlib, which is not installed: "
            f"{INSTALL} (the HTML report and the SVG pictures do not need it)",
        )
    import matplotlib

    matplotlib.use("Agg")  # no display: render to memory
    import matplotlib.pyplot as plt

    return plt


def render_png(plot: PlotModel, chart: Chart | None = None) -> bytes:
    """The PNG bytes of `plot` (placed by `layout` unless `chart` is given)."""
    plt = require_matplotlib()
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Circle, Rectangle

    chart = chart or layout(plot)
    fig = plt.figure(
        figsize=(chart.width / PIXELS_PER_INCH, chart.height / PIXELS_PER_INCH), dpi=PIXELS_PER_INCH * SCALE
    )
    try:
        # One axes over the whole figure, in the chart's pixels, y down as in the SVG.
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, chart.width)
        ax.set_ylim(chart.height, 0)
        ax.axis("off")
        for cell in chart.cells:
            x0, y0, x1, y1 = cell.box
            ax.add_patch(
                Rectangle(
                    (x0, y0),
                    x1 - x0,
                    y1 - y0,
                    facecolor=SHADES[cell.shade % len(SHADES)],
                    edgecolor="white",
                    linewidth=1.5 * POINTS,
                )
            )
        for line in [*chart.lines, *chart.leaders]:
            _line(ax, line)
        circles = [Circle((d.cx, d.cy), d.r) for d in chart.dots]
        colours = [COLOURS.get(d.group, "#333333") for d in chart.dots]
        ax.add_collection(
            PatchCollection(
                circles, facecolors=colours, edgecolors="white", linewidths=0.4 * POINTS, alpha=0.85, zorder=3
            )
        )
        for x, y, key in chart.legend_dots:
            ax.add_patch(Circle((x, y), 5, color=COLOURS.get(key, "#333333"), zorder=3))
        for text in chart.all_texts():
            _text(ax, text)
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            # A character DejaVu Sans lacks (a name in Japanese) is drawn as a box; the layout gave
            # it room enough. matplotlib's warning about each one would only clutter the output.
            warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
            fig.savefig(buffer, format="png", dpi=PIXELS_PER_INCH * SCALE, facecolor="white")
        return buffer.getvalue()
    finally:
        plt.close(fig)


def _line(ax: Any, line: Line) -> None:
    if line.role == "frame":
        from matplotlib.patches import Rectangle

        ax.add_patch(
            Rectangle(
                (line.x1, line.y1),
                line.x2 - line.x1,
                line.y2 - line.y1,
                fill=False,
                edgecolor="#2d3748",
                linewidth=POINTS,
                zorder=2,
            )
        )
        return
    style = {"cut": ((0, (5, 4)), "#2d3748", 1.0), "leader": ("-", "#4a5568", 0.8)}.get(
        line.role, ("-", "#2d3748", 1.0)
    )
    dashes, colour, width = style
    ax.plot([line.x1, line.x2], [line.y1, line.y2], linestyle=dashes, color=colour, linewidth=width * POINTS, zorder=2)


def _text(ax: Any, text: Text) -> None:
    from matplotlib import patheffects

    # A pale halo keeps a dot's name readable over a cut-line or a shade, as in the SVG.
    halo = [patheffects.withStroke(linewidth=3 * POINTS, foreground="white", alpha=0.8)]
    ax.text(
        text.x,
        text.y,
        text.text,
        fontsize=text.size * POINTS,
        fontweight="bold" if text.bold else "normal",
        family="DejaVu Sans",
        ha={"start": "left", "middle": "center", "end": "right"}[text.anchor],
        va="baseline",
        rotation=90 if text.rotated else 0,
        rotation_mode="anchor",
        color=text.colour,
        zorder=4,
        usetex=False,
        parse_math=False,
        path_effects=halo if text.role == "dot-label" else None,
    )
