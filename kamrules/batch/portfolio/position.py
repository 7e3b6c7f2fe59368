"""Each account's place on the portfolio matrices: the portfolio rule base (`input:
portfolio_account`) evaluated column-wise on a frame laid out as `kamrules.portfolio.evaluate`
lays out one account's values.

The frame holds what the rule base may read: the account's own facts and groups (as
`account_values` gives them), the account rule base's decisions under `advice.` (`advice.tier`
is the account's tier), its place in the portfolio under `portfolio.` (its share, the share
ranked before it, the portfolio's medians), its sector's scores under `sector.`, and whether it
has a plan under `plan.`. A fact with no value is missing, as it is absent from today's values.
Which facts the rule base reads and decides, and what each derived fact is called and worded,
come from the rule base itself: nothing here names a matrix or a quadrant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kamrules.batch import frame as fr
from kamrules.batch.leaves import account_groups, account_leaves
from kamrules.batch.plan import PassPlan
from kamrules.batch.portfolio.legacy import Compiled, SectorResult
from kamrules.batch.run import evaluate
from kamrules.language.rulebase import RuleBase

ADVICE, PORTFOLIO, SECTOR, PLAN = "advice.", "portfolio.", "sector.", "plan."


@dataclass
class Placement:
    """The rows' place in the portfolio, from the portfolio facts and the files beside it."""

    share: np.ndarray  # float64, NaN: not ranked
    before: np.ndarray
    revenue_median: float | None
    potential_median: float | None
    sector_codes: np.ndarray  # int64 into `sectors`, -1: not in the sectors file
    sectors: list[SectorResult]
    plan_exists: np.ndarray  # int8: -1 unknown, 0, 1
    plan_reviewed: np.ndarray  # float64 day ordinals


def sector_codes(account: fr.Frame, sectors: Mapping[str, SectorResult]) -> tuple[np.ndarray, list[SectorResult]]:
    """Each row's sector in the sectors file (matched ignoring case), as codes."""
    column = account.get("sector")
    n = account.n
    if not sectors or not isinstance(column, fr.Text):
        return np.full(n, -1, dtype=np.int64), []
    found: list[SectorResult] = []
    lookup = []
    for value in column.values:
        result = sectors.get(value.casefold()) if value else None
        if result is None:
            lookup.append(-1)
        else:
            lookup.append(len(found))
            found.append(result)
    table = np.array([*lookup, -1], dtype=np.int64)
    return table[np.where(column.codes >= 0, column.codes, len(column.values))], found


def _sector_number(place: Placement, attribute: str) -> np.ndarray:
    values = np.array(
        [getattr(s, attribute) if getattr(s, attribute) is not None else np.nan for s in place.sectors] + [np.nan]
    )
    return values[np.where(place.sector_codes >= 0, place.sector_codes, len(place.sectors))]


def position_frame(prb: RuleBase, account: fr.Frame, place: Placement) -> fr.Frame:
    """The portfolio rule base's input frame for the account frame's rows."""
    n = account.n
    columns: dict[str, fr.Column] = {}
    for name in (*account_leaves(), *account_groups()):
        if name in account.columns:
            columns[name] = account.columns[name]
    inputs = [name for name in prb.facts if name not in prb.derived and name != "as_of"]
    for name in inputs:
        if name.startswith(ADVICE) and name[len(ADVICE) :] in account.columns:
            columns[name] = account.columns[name[len(ADVICE) :]]
    numbers = {
        "portfolio.revenue_share": place.share,
        "portfolio.cumulative_share_before": place.before,
        "portfolio.revenue_median": np.full(n, np.nan if place.revenue_median is None else place.revenue_median),
        "portfolio.potential_median": np.full(n, np.nan if place.potential_median is None else place.potential_median),
        "sector.attractiveness": _sector_number(place, "attractiveness"),
        "sector.adaptability": _sector_number(place, "adaptability"),
    }
    for name, x in numbers.items():
        if name in prb.facts:
            columns[name] = fr.Num(x)
    if "plan.exists" in prb.facts:
        columns["plan.exists"] = fr.Bool(place.plan_exists)
    if "plan.reviewed" in prb.facts:
        columns["plan.reviewed"] = fr.Num(place.plan_reviewed, date=True)
    return fr.Frame(n, account.as_of, columns)


def place_accounts(compiled: Compiled, plans: list[PassPlan], account: fr.Frame, place: Placement) -> fr.Frame:
    """The portfolio rule base's decisions for every row (the frame, its derived facts added)."""
    frame = position_frame(compiled.rulebase, account, place)
    return evaluate(compiled.program, plans, frame).frame


def derived_cells(prb: RuleBase, frame: fr.Frame, lang: str) -> dict[str, pa.Array]:
    """Every derived fact of the portfolio rule base as its output column (`flatten.derived_cells`):
    its value, and a choice's label in `lang` under `<fact>.text`."""
    out: dict[str, pa.Array] = {}
    for name, d in prb.derived.items():
        column = frame.get(name)
        out[name] = to_arrow(column, d.type.kind)
        if d.type.kind == "choice":
            if isinstance(column, fr.Text):
                out[f"{name}.text"] = fr.Text(
                    column.codes, [prb.label(name, v, lang) for v in column.values]
                ).to_arrow()
            else:
                out[f"{name}.text"] = pa.nulls(frame.n, pa.string())
    return out


def to_arrow(column: fr.Column, kind: str) -> pa.Array:
    """A frame column as the output column of a fact of `kind`."""
    n = len(column.present())
    if isinstance(column, fr.Text):
        return column.to_arrow()
    if isinstance(column, fr.Num):
        if column.date or kind == "date":
            days = np.where(np.isnan(column.x), 0, column.x - fr.ORDINAL_1970).astype(np.int32)
            return pa.array(days, pa.int32(), mask=np.isnan(column.x)).cast(pa.date32())
        if kind not in ("number",):
            return pa.nulls(n, pa.string())
        return pa.array(column.x, pa.float64(), mask=np.isnan(column.x))
    if isinstance(column, fr.Bool):
        return pa.array(column.v == 1, pa.bool_(), mask=column.v < 0)
    if isinstance(column, fr.Lst):
        return column.arr.cast(pa.list_(pa.string()))
    return pa.nulls(n, pa.string())


def sector_cells(srb: RuleBase, place: Placement, lang: str) -> dict[str, pa.Array]:
    """The sector's columns (`Evaluator._sector_cells`): its two scores, its quadrant on the
    target sectors matrix and that quadrant's advice, with their labels."""
    codes = place.sector_codes
    m = len(place.sectors)

    def pick(values: list[str | None]) -> pa.Array:
        return pa.array([*values, None], pa.string()).take(pa.array(np.where(codes >= 0, codes, m)))

    out: dict[str, pa.Array] = {}
    for attribute in ("attractiveness", "adaptability"):
        x = _sector_number(place, attribute)
        out[f"sector.{attribute}"] = pa.array(x, pa.float64(), mask=np.isnan(x))
    quadrants = [s.quadrant for s in place.sectors]
    advices = [s.advice for s in place.sectors]
    out["attractiveness_adaptability.quadrant"] = pick(quadrants)
    out["attractiveness_adaptability.quadrant.text"] = pick(
        [srb.label("target.quadrant", q, lang) if q else None for q in quadrants]
    )
    out["attractiveness_adaptability.advice"] = pick(advices)
    out["attractiveness_adaptability.advice.text"] = pick(
        [srb.label("target.advice", a, lang) if a else None for a in advices]
    )
    return out
