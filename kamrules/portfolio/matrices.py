"""The six portfolio matrices as pictures: which facts are on the axes, where the cut-lines are,
and which quadrant sits where.

The knowledge stays in the rule bases: quadrant names come from their labels, cut-lines from
their parameters (or the portfolio's medians, which the revenue x potential rules compare
with), and the twelve cells of revenue quality are asked of the rules themselves, so a changed
cell in the YAML shows in the picture. What lives here is only presentation: axes and titles.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kamrules.language.rulebase import RuleBase
from kamrules.language.texts import Texts


@dataclass(frozen=True)
class Matrix:
    id: str
    quadrant_column: str  # the output column holding the account's quadrant
    quadrant_fact: str  # the derived fact whose labels name the quadrants
    title: Texts
    x: str  # point column on the horizontal axis
    y: str
    x_label: Texts
    y_label: Texts
    log: bool = False  # money axes: revenue spans decades
    # Quadrant -> (column, row) of a 2x2 grid, (0, 0) bottom left; revenue quality is asked of the rules.
    layout: dict[str, tuple[int, int]] = field(default_factory=dict)
    x_format: str = "number"
    y_format: str = "number"


MATRICES: tuple[Matrix, ...] = (
    Matrix(
        "revenue_potential",
        "revenue_potential.quadrant",
        "revenue_potential.quadrant",
        Texts("Revenue / Potential", "Fatturato / Potenziale"),
        "business.revenue",
        "business.potential_revenue",
        Texts("Revenue (our sales, last 12 months)", "Fatturato (nostre vendite, ultimi 12 mesi)"),
        Texts("Potential revenue", "Potenziale"),
        log=True,
        x_format="money",
        y_format="money",
        layout={"develop": (1, 1), "conquer": (0, 1), "maintain": (1, 0), "rationalise": (0, 0)},
    ),
    Matrix(
        "development_penetration",
        "development_penetration.quadrant",
        "development_penetration.quadrant",
        Texts("Development / Penetration", "Sviluppo / Penetrazione"),
        "business.share_of_wallet",
        "business.growth_rate",
        Texts("Penetration (share of wallet)", "Penetrazione (quota di portafoglio)"),
        Texts("Development (growth rate)", "Sviluppo (tasso di crescita)"),
        x_format="percent",
        y_format="percent",
        layout={"grow_with": (1, 1), "penetrate": (0, 1), "defend": (1, 0), "monitor": (0, 0)},
    ),
    Matrix(
        "revenue_quality",
        "revenue_quality.quadrant",
        "revenue_quality.quadrant",
        Texts("Revenue quality", "Qualità del fatturato"),
        "business.margin_pct",
        "portfolio.cumulative_share_before",
        Texts("Margin class", "Classe di margine"),
        Texts("Revenue class (cumulative share of revenue)", "Classe di fatturato (quota cumulata)"),
    ),
    Matrix(
        "profitability_duration",
        "profitability_duration.quadrant",
        "profitability_duration.quadrant",
        Texts("Profitability / Length of the relationship", "Redditività / Durata della relazione"),
        "relationship_years",
        "business.margin_pct",
        Texts("Length of the relationship (years)", "Durata della relazione (anni)"),
        Texts("Profitability (margin)", "Redditività (margine)"),
        y_format="percent",
        layout={"true_friends": (1, 1), "butterflies": (0, 1), "barnacles": (1, 0), "strangers": (0, 0)},
    ),
    Matrix(
        "contribution",
        "contribution.quadrant",
        "contribution.quadrant",
        Texts("Current / Potential contribution", "Contribuzione attuale / potenziale"),
        # The scores the tier used: by hand, against the portfolio, or derived from the facts.
        "scores.current_contribution",
        "scores.potential_contribution",
        Texts("Current contribution to strategic objectives", "Livello attuale di contribuzione"),
        Texts("Potential contribution", "Livello potenziale di contribuzione"),
        layout={
            "key_account": (1, 1),
            "potential_key_account": (0, 1),
            "important_account": (1, 0),
            "regular_account": (0, 0),
        },
    ),
    Matrix(
        "attractiveness_adaptability",
        "attractiveness_adaptability.quadrant",
        "target.quadrant",
        Texts("Attractiveness / Adaptability (target sectors)", "Attrattività / Adattabilità (Matrice Settori target)"),
        "adaptability",
        "attractiveness",
        Texts("Our adaptability to the sector", "Adattabilità dell'azienda verso il settore"),
        Texts("Sector attractiveness", "Attrattività dei settori"),
        layout={"target": (1, 1), "build": (0, 1), "harvest": (1, 0), "avoid": (0, 0)},
    ),
)
BY_ID = {m.id: m for m in MATRICES}


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


@dataclass
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


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _range(
    values: Sequence[float], cuts: Sequence[float], log: bool, floor: float | None = None
) -> tuple[float, float]:
    pool = [v for v in [*values, *cuts] if not log or v > 0]
    if not pool:
        return (1.0, 10.0) if log else (0.0, 1.0)
    lo, hi = min(pool), max(pool)
    if log:
        lo, hi = lo / 1.6, hi * 1.6
        return (lo, hi) if hi > lo else (lo / 10, lo * 10)
    pad = (hi - lo) * 0.06 or max(abs(hi) * 0.1, 1.0)
    lo, hi = lo - pad, hi + pad
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
                cells.append(Cell(x_edges[i], x_edges[i + 1], y_edges[j], y_edges[j + 1], q, label(q), shade))
    return cells


def _param(rb: RuleBase, name: str) -> float:
    return float(rb.params[name].value)


@dataclass
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
            dots.append(Dot(s.adaptability, s.attractiveness, s.name, s.name, "sector"))
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
        m.id,
        m.title.get(lang),
        m.x_label.get(lang),
        m.y_label.get(lang),
        x_range,
        y_range,
        m.log,
        m.log,
        x_cuts,
        y_cuts,
        cells,
        dots,
        skipped,
        m.x_format,
        m.y_format,
        _legend(dots, skipped, ctx),
    )


def _labelled(points: Sequence[dict[str, Any]], n: int) -> set[int]:
    """The largest `n` accounts by revenue (their `id()`): their dots carry their names."""
    ranked = sorted(
        (p for p in points if _num(p.get("business.revenue")) is not None),
        key=lambda p: -float(p["business.revenue"]),
    )
    return {id(p) for p in ranked[:n]}


def _dot(m: Matrix, p: dict[str, Any], x: float, y: float, labelled: set[int]) -> Dot:
    name = str(p.get("name") or p.get("id"))
    quadrant = p.get(f"{m.quadrant_column}.text") or ""
    tip = f"{name} ({p.get('id')}): {quadrant}"
    return Dot(x, y, name if id(p) in labelled else None, tip, str(p.get("tier") or "none"))


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
        m.id,
        m.title.get(lang),
        m.x_label.get(lang),
        m.y_label.get(lang),
        (0.0, 4.0),
        (0.0, 3.0),
        False,
        False,
        [1.0, 2.0, 3.0],
        [1.0, 2.0],
        cells,
        dots,
        skipped,
        legend=_legend(dots, skipped, ctx),
        x_ticks=[(k + 0.5, classes[k]) for k in range(4)],
        y_ticks=[(2.5 - k, revenue[k]) for k in range(3)],
    )


def _legend(dots: Sequence[Dot], skipped: int, ctx: Context) -> list[tuple[str, str]]:
    groups = set(d.group for d in dots)
    order = ["key_account", "potential_key_account", "important_account", "regular_account", "none", "sector"]
    out = []
    for g in sorted(groups, key=lambda g: order.index(g) if g in order else len(order)):
        if g == "sector":
            out.append((g, Texts("sector", "settore").get(ctx.lang)))
        elif g == "none":
            out.append((g, Texts("tier undecided", "livello non deciso").get(ctx.lang)))
        else:
            out.append((g, ctx.account_rb.label("tier", g, ctx.lang)))
    if skipped:
        # Accounts missing a fact of the axes: counted, so that no one is silently left out.
        out.append(("", Texts(f"not placed: {skipped}", f"non collocati: {skipped}").get(ctx.lang)))
    return out


def plot_models(points: Sequence[dict[str, Any]], ctx: Context) -> list[PlotModel]:
    return [plot_model(m, points, ctx) for m in MATRICES]
