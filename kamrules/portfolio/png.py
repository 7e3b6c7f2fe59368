"""A matrix as a PNG picture, drawn by matplotlib from the same `PlotModel` as the SVG.

matplotlib is what a Python analyst draws charts with, and it renders text, anti-aliasing and
PNG encoding properly; it is also large (with numpy and Pillow), and only `--plot DIR` needs it.
So it is an optional extra, `pip install 'kamrules[plots]'`, imported only here, only when a PNG
is asked for; without it `--plot` says how to get it, and everything else works.
"""

from __future__ import annotations

import io
import math
from typing import Any

from kamrules import codes
from kamrules.errors import ArgumentError
from kamrules.portfolio.plots import PlotModel
from kamrules.portfolio.svg import COLOURS, SHADES, fmt_tick, wrap


def require_matplotlib() -> Any:
    """matplotlib's pyplot, or an `ArgumentError` (about `plot_dir`, where the PNG pictures were
    asked for) saying how to install it."""
    try:
        import matplotlib
    except ImportError:
        raise ArgumentError(
            codes.MISSING_EXTRA,
            "plot_dir",
            "{parameter} writes PNG pictures with matplotlib, which is not installed: "
            "pip install 'kamrules[plots]' (the HTML report and the SVG pictures do not need it)",
        ) from None
    matplotlib.use("Agg")  # no display: render to memory
    import matplotlib.pyplot as plt

    return plt


def _share(a: float, b: float, span: tuple[float, float], log: bool) -> float:
    """How much of the axis [a, b] covers (the pixel width of a cell, as a fraction)."""
    if log:
        return (math.log10(b) - math.log10(a)) / ((math.log10(span[1]) - math.log10(span[0])) or 1.0)
    return (b - a) / ((span[1] - span[0]) or 1.0)


def _labels(fig: Any, ax: Any, plot: PlotModel, names: list[Any]) -> None:
    """Name the labelled dots where a name fits, as the SVG does: above right, above left, below
    right, below left, clear of other names and of the quadrants' names, inside the axes."""
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = [n.get_window_extent(renderer) for n in names]
    places = ((4, 4, "left", "bottom"), (-4, 4, "right", "bottom"), (4, -4, "left", "top"), (-4, -4, "right", "top"))
    for d in plot.dots:
        if not d.label:
            continue
        for dx, dy, ha, va in places:
            text = ax.annotate(
                d.label[:24], (d.x, d.y), xytext=(dx, dy), textcoords="offset points", fontsize=7, ha=ha, va=va
            )
            box = text.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            text.remove()


def _quadrants(ax: Any, plot: PlotModel) -> list[Any]:
    """Each quadrant shaded, its name at its top; the names, for the dots' labels to avoid."""
    names_drawn: list[Any] = []
    for c in plot.cells:
        ax.fill_between([c.x0, c.x1], c.y0, c.y1, color=SHADES[c.shade], zorder=0, linewidth=0)
        name = ax.annotate(
            "\n".join(wrap(c.label, _share(c.x0, c.x1, plot.x_range, plot.log_x) * 640 * 0.9)),
            xy=((c.x0 * c.x1) ** 0.5 if plot.log_x else (c.x0 + c.x1) / 2, c.y1),
            xytext=(0, -12),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            fontweight="bold",
            color="#4a5568",
        )
        names_drawn.append(name)
    return names_drawn


def _dots(ax: Any, plot: PlotModel) -> dict[str, list[tuple[float, float]]]:
    """The accounts, one colour per group (tier), in the legend's order; the groups drawn."""
    size = 8 if len(plot.dots) > 2000 else 22
    groups: dict[str, list[tuple[float, float]]] = {}
    for d in plot.dots:
        groups.setdefault(d.group, []).append((d.x, d.y))
    names = {key: label for key, label in plot.legend if key}
    for group in [key for key, _ in plot.legend if key in groups]:
        xy = groups[group]
        ax.scatter(
            [p[0] for p in xy],
            [p[1] for p in xy],
            s=size,
            c=COLOURS.get(group, "#333333"),
            alpha=0.85,
            edgecolors="white",
            linewidths=0.4,
            label=names.get(group, group),
            zorder=3,
        )
    return groups


def render_png(plot: PlotModel, dpi: int = 110) -> bytes:
    """The matrix as a PNG picture (matplotlib, which `require_matplotlib` asks for)."""
    plt = require_matplotlib()
    from matplotlib.ticker import FuncFormatter

    fig, ax = plt.subplots(figsize=(7.6, 5.6), dpi=dpi)
    try:
        ax.set_title(plot.title, fontsize=13, fontweight="bold")
        if plot.log_x:
            ax.set_xscale("log")
        if plot.log_y:
            ax.set_yscale("log")
        ax.set_xlim(*plot.x_range)
        ax.set_ylim(*plot.y_range)
        names_drawn = _quadrants(ax, plot)
        for x in plot.x_cuts:
            ax.axvline(x, color="#2d3748", linestyle="--", linewidth=0.8)
        for y in plot.y_cuts:
            ax.axhline(y, color="#2d3748", linestyle="--", linewidth=0.8)
        groups = _dots(ax, plot)
        _labels(fig, ax, plot, names_drawn)
        if plot.x_ticks:
            ax.set_xticks([t for t, _ in plot.x_ticks], [label for _, label in plot.x_ticks])
        else:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_tick(v, plot.x_format)))
        if plot.y_ticks:
            ax.set_yticks([t for t, _ in plot.y_ticks], [label for _, label in plot.y_ticks])
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_tick(v, plot.y_format)))
        ax.set_xlabel(plot.x_label)
        ax.set_ylabel(plot.y_label)
        if groups:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        notes = [label for key, label in plot.legend if not key]
        if notes:
            ax.annotate("; ".join(notes), xy=(1.02, 0.0), xycoords="axes fraction", fontsize=7, color="#718096")
        buffer = io.BytesIO()
        # bbox_inches="tight" keeps the legend, drawn outside the axes, inside the picture.
        fig.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(fig)
