"""The pictures of the six portfolio matrices: each account a dot, the quadrants and cut-lines
drawn from the rule bases (`matrices` says which facts are on the axes); the same `PlotModel`
is drawn as SVG (`svg`) and as PNG (`png`)."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kamrules.i18n.catalog import phrases
from kamrules.language.rulebase import RuleBase
from kamrules.portfolio.matrices import MATRICES, Matrix


@dataclass(frozen=True)
class Cell:
    x0: float
    x1: float
    y0: float
    y1: float
    quadrant: str
    label: str
    shade: int  # which of the pale background colours


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str | None  # printed next to the dot (the largest accounts), else only a tooltip
    tooltip: str
    group: str  # colour key: the tier, or "sector"
    rank: int | None = None  # among the labelled dots, 0 for the largest: named first


@dataclass(kw_only=True)
class PlotModel:
    """One matrix, ready to draw as SVG or PNG."""

    id: str
    title: str
    x_label: str
    y_label: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    log_x: bool
    log_y: bool
    x_cuts: list[float]
    y_cuts: list[float]
    cells: list[Cell]
    dots: list[Dot]
    skipped: int  # accounts that could not be placed (a fact missing)
    x_format: str = "number"  # number, percent or money: how tick labels are written
    y_format: str = "number"
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour key, label)
    x_ticks: list[tuple[float, str]] | None = None  # named ticks instead of numbers
    y_ticks: list[tuple[float, str]] | None = None
    lang: str = "en"  # of the tick labels and the notes
    # Revenue quality: a grid of equal cells, a dot's coordinates its cell (the whole part) and its
    # place inside it (the fraction), drawn clear of the cell's name.
    banded: bool = False


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _range(
    values: Sequence[float], cuts: Sequence[float], log: bool, floor: float | None = None
) -> tuple[float, float]:
    """The axis's span: the values and the cut-lines with some room around them, and at least a
    fifth of the span on each side of every cut-line, so that no quadrant is a sliver too thin
    to see or to name (one account far from a cut-line would make one)."""
    pool = [v for v in [*values, *cuts] if not log or v > 0]
    if not pool:
        return (1.0, 10.0) if log else (0.0, 1.0)
    lo, hi = min(pool), max(pool)
    if log:
        lo, hi = math.log10(lo) - math.log10(1.6), math.log10(hi) + math.log10(1.6)
        if hi - lo < 1e-9:
            lo, hi = lo - 1, hi + 1
    else:
        pad = (hi - lo) * 0.06 or max(abs(hi) * 0.1, 1.0)
        lo, hi = lo - pad, hi + pad
    for cut in cuts:
        at = math.log10(cut) if log and cut > 0 else cut
        if log and cut <= 0:
            continue
        span = hi - lo
        lo = min(lo, at - span / 4)  # a fifth of the new span: (at - lo) / (hi - lo) >= 1/5
        hi = max(hi, at + span / 4)
    if log:
        return 10**lo, 10**hi
    if floor is not None:
        lo = max(lo, floor)
    return lo, hi


def _grid(
    x_edges: list[float], y_edges: list[float], name: Callable[[int, int], str | None], label: Callable[[str], str]
) -> list[Cell]:
    cells = []
    shades: dict[str, int] = {}
    for i in range(len(x_edges) - 1):
        for j in range(len(y_edges) - 1):
            q = name(i, j)
            if q is not None:
                shade = shades.setdefault(q, len(shades))
                cells.append(
                    Cell(
                        x0=x_edges[i],
                        x1=x_edges[i + 1],
                        y0=y_edges[j],
                        y1=y_edges[j + 1],
                        quadrant=q,
                        label=label(q),
                        shade=shade,
                    )
                )
    return cells


def _param(rb: RuleBase, name: str) -> float:
    return float(rb.params[name].value)


@dataclass(kw_only=True)
class Context:
    """What the pictures need besides the accounts."""

    accounts_rb: RuleBase
    account_rb: RuleBase  # the account rule base: the tier cut-lines
    sectors_rb: RuleBase
    run_accounts: Callable[[dict[str, Any]], dict[str, Any]]  # evaluate the portfolio rules on facts
    revenue_median: float | None
    potential_median: float | None
    sectors: Sequence[Any]  # SectorResult
    lang: str
    as_of: dt.date
    labels: int = 15


def _cuts(m: Matrix, ctx: Context) -> tuple[list[float], list[float]]:
    rb = ctx.accounts_rb
    if m.id == "revenue_potential":
        return [v for v in [ctx.revenue_median] if v], [v for v in [ctx.potential_median] if v]
    if m.id == "development_penetration":
        return [_param(rb, "penetration_high")], [_param(rb, "development_high")]
    if m.id == "revenue_quality":
        xs = [_param(rb, f"margin_class_{k}_from") for k in (3, 2, 1)]
        return xs, [_param(rb, "class_a_revenue_share"), _param(rb, "class_b_revenue_share")]
    if m.id == "profitability_duration":
        return [_param(rb, "long_relationship_years")], [_param(rb, "profitable_margin")]
    if m.id == "contribution":
        arb = ctx.account_rb
        return [_param(arb, "current_contribution_high")], [_param(arb, "potential_contribution_high")]
    srb = ctx.sectors_rb
    return [_param(srb, "sector_adaptability_high")], [_param(srb, "sector_attractiveness_high")]


def plot_model(m: Matrix, points: Sequence[dict[str, Any]], ctx: Context) -> PlotModel:
    if m.id == "revenue_quality":
        return _quality_model(m, points, ctx)
    lang = ctx.lang
    rb = ctx.sectors_rb if m.id == "attractiveness_adaptability" else ctx.accounts_rb
    x_cuts, y_cuts = _cuts(m, ctx)
    dots: list[Dot] = []
    skipped = 0
    if m.id == "attractiveness_adaptability":
        for s in ctx.sectors:
            if s.attractiveness is None or s.adaptability is None:
                skipped += 1
                continue
            name = shown_name(s.name)
            dots.append(Dot(s.adaptability, s.attractiveness, name, name, "sector", len(dots)))
    else:
        labelled = _labelled(points, ctx.labels)
        for p in points:
            x, y = _num(p.get(m.x)), _num(p.get(m.y))
            if x is None or y is None or (m.log and (x <= 0 or y <= 0)):
                skipped += 1
                continue
            dots.append(_dot(m, p, x, y, labelled))
    if m.id in ("contribution", "attractiveness_adaptability"):
        x_range: tuple[float, float] = (0.5, 10.5)
        y_range: tuple[float, float] = (0.5, 10.5)
    else:
        x_range = _range([d.x for d in dots], x_cuts, m.log, 0.0 if m.id == "profitability_duration" else None)
        y_range = _range([d.y for d in dots], y_cuts, m.log)
    x_edges = [x_range[0], *[c for c in x_cuts if x_range[0] < c < x_range[1]], x_range[1]]
    y_edges = [y_range[0], *[c for c in y_cuts if y_range[0] < c < y_range[1]], y_range[1]]
    where = {pos: q for q, pos in m.layout.items()}
    cols, rows = len(x_edges) - 1, len(y_edges) - 1

    def corner(i: int, j: int) -> str | None:
        # With a cut-line outside the data's range there is one column (or row): name it
        # after the side of the cut-line it lies on.
        ci = i if cols == 2 else (1 if x_cuts and x_edges[0] >= x_cuts[0] else 0)
        rj = j if rows == 2 else (1 if y_cuts and y_edges[0] >= y_cuts[0] else 0)
        return where.get((ci, rj))

    cells = _grid(x_edges, y_edges, corner, lambda q: rb.label(m.quadrant_fact, q, lang))
    return PlotModel(
        id=m.id,
        title=m.title.get(lang),
        x_label=m.x_label.get(lang),
        y_label=m.y_label.get(lang),
        x_range=x_range,
        y_range=y_range,
        log_x=m.log,
        log_y=m.log,
        x_cuts=x_cuts,
        y_cuts=y_cuts,
        cells=cells,
        dots=dots,
        skipped=skipped,
        x_format=m.x_format,
        y_format=m.y_format,
        legend=_legend(dots, skipped, ctx),
        lang=lang,
    )


def _labelled(points: Sequence[dict[str, Any]], n: int) -> dict[int, int]:
    """The largest `n` accounts by revenue (their `id()`, with their rank): their dots carry
    their names where there is room, the largest first."""
    ranked = sorted(
        (p for p in points if _num(p.get("business.revenue")) is not None),
        key=lambda p: -float(p["business.revenue"]),
    )
    return {id(p): rank for rank, p in enumerate(ranked[:n])}


def shown_name(text: str) -> str:
    """A name as a picture shows it: on one line (line breaks and tabs become spaces), without
    the invisible controls that could reverse or hide what follows (U+202E); the joiner inside
    an emoji sequence is kept."""
    kept = "".join(
        ch for ch in text if ch == "\u200d" or unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\t\n\r"
    )
    return " ".join(kept.split())


def _dot(m: Matrix, p: dict[str, Any], x: float, y: float, labelled: dict[int, int]) -> Dot:
    name = shown_name(str(p.get("name") or p.get("id")))
    quadrant = p.get(f"{m.quadrant_column}.text") or ""
    tip = f"{name} ({shown_name(str(p.get('id')))}): {quadrant}"
    rank = labelled.get(id(p))
    return Dot(x, y, name if rank is not None else None, tip, str(p.get("tier") or "none"), rank)


def _band(value: float, edges: Sequence[float]) -> float:
    """`value`'s place on bands of equal width between `edges` (band k spans k to k + 1)."""
    last = len(edges) - 2
    for k in range(last + 1):
        lo, hi = edges[k], edges[k + 1]
        if value < hi or k == last:
            t = (min(max(value, lo), hi) - lo) / ((hi - lo) or 1.0)
            return k + min(max(t, 0.03), 0.97)
    return 0.0  # pragma: no cover - edges always hold two values or more


def _quality_model(m: Matrix, points: Sequence[dict[str, Any]], ctx: Context) -> PlotModel:
    """Revenue quality as the deck draws it: a 3 x 4 grid of equal cells, class A on top and
    margin class 1 on the left. Each dot sits in its cell, placed inside it by its margin and
    its cumulative share (so the bands are not to scale: class C's 5 % gets a full row)."""
    lang = ctx.lang
    rb = ctx.accounts_rb
    margin_cuts, share_cuts = _cuts(m, ctx)  # the lower bounds of margin class 3, 2, 1; A and B
    margins = [v for p in points if (v := _num(p.get(m.x))) is not None]
    x_edges = [min([*margins, margin_cuts[0] - 0.1]), *margin_cuts, max([*margins, margin_cuts[-1] + 0.1])]
    y_edges = [0.0, *share_cuts, 1.0]
    labelled = _labelled(points, ctx.labels)
    dots: list[Dot] = []
    skipped = 0
    for p in points:
        x, y = _num(p.get(m.x)), _num(p.get(m.y))
        if x is None or y is None:
            skipped += 1
            continue
        # Margin bands run class 4 to 1 and share bands A to C: flip both.
        dots.append(_dot(m, p, 4 - _band(x, x_edges), 3 - _band(y, y_edges), labelled))

    def policy(i: int, j: int) -> str | None:
        # Ask the rules which policy the cell holds, at its centre (band i of margin, j of share).
        probe = {
            "business.margin_pct": (x_edges[i] + x_edges[i + 1]) / 2,
            "portfolio.cumulative_share_before": (y_edges[j] + y_edges[j + 1]) / 2,
        }
        q = ctx.run_accounts(probe).get("revenue_quality.quadrant")
        return q if isinstance(q, str) else None

    # Plot coordinates: margin band i is column 3 - i (class 1 on the left), share band j is
    # row 2 - j (class A on top).
    cells = _grid(
        [0.0, 1.0, 2.0, 3.0, 4.0],
        [0.0, 1.0, 2.0, 3.0],
        lambda col, row: policy(3 - col, 2 - row),
        lambda q: rb.label(m.quadrant_fact, q, lang),
    )
    classes = [rb.label("margin_class", str(k), lang) for k in (1, 2, 3, 4)]
    revenue = [rb.label("revenue_class", c, lang) for c in ("A", "B", "C")]
    return PlotModel(
        id=m.id,
        title=m.title.get(lang),
        x_label=m.x_label.get(lang),
        y_label=m.y_label.get(lang),
        x_range=(0.0, 4.0),
        y_range=(0.0, 3.0),
        log_x=False,
        log_y=False,
        x_cuts=[1.0, 2.0, 3.0],
        y_cuts=[1.0, 2.0],
        cells=cells,
        dots=dots,
        skipped=skipped,
        legend=_legend(dots, skipped, ctx),
        x_ticks=[(k + 0.5, classes[k]) for k in range(4)],
        y_ticks=[(2.5 - k, revenue[k]) for k in range(3)],
        lang=lang,
        banded=True,
    )


def _legend(dots: Sequence[Dot], skipped: int, ctx: Context) -> list[tuple[str, str]]:
    groups = set(d.group for d in dots)
    order = ["key_account", "potential_key_account", "important_account", "regular_account", "none", "sector"]
    out = []
    for g in sorted(groups, key=lambda g: order.index(g) if g in order else len(order)):
        if g == "sector":
            out.append((g, phrases(ctx.lang, "matrices")["legend.sector"]))
        elif g == "none":
            out.append((g, phrases(ctx.lang, "matrices")["legend.undecided"]))
        else:
            out.append((g, ctx.account_rb.label("tier", g, ctx.lang)))
    if skipped:
        # Accounts missing a fact of the axes: counted, so that no one is silently left out.
        out.append(("", phrases(ctx.lang, "matrices").say("legend.not_placed", n=skipped)))
    return out


def plot_models(points: Sequence[dict[str, Any]], ctx: Context) -> list[PlotModel]:
    return [plot_model(m, points, ctx) for m in MATRICES]
