"""Scores measured against the portfolio itself (`kam portfolio --scores portfolio`).

DOMAIN.md §3a: inside a portfolio, accounts can be ranked against each other instead of
measured by the company's absolute lines. Each account's measure (the contribution, the
contribution still to win, the attractiveness and the relative strength the CRM facts give, as
the account rule base derives them) is placed at its percentile among the accounts that have
one, and the percentile becomes a score from 1 to 10 through the cut-lines of
rulesets/portfolio/relative.yaml. The account rule base then uses it where no hand score is
given (`portfolio_scores.*`, source `portfolio`).

This needs every account's measure before any account is advised: one more pass over the file,
which keeps four numbers per row (memory grows by 32 bytes a row, never with the facts).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from array import array
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.api import Engine
from kamrules.model.account import Account, account_values
from kamrules.portfolio.prepare import Prepared

# Score -> (the facts of the account rule base that measure it, first found wins; the parameter
# of rulesets/portfolio/relative.yaml that says where "high" starts).
MEASURES: dict[str, tuple[tuple[str, ...], str]] = {
    "current_contribution": (
        ("measures.net_contribution", "measures.gross_contribution"),
        "relative_current_high_from",
    ),
    "potential_contribution": (("measures.untapped_contribution",), "relative_potential_high_from"),
    "attractiveness": (("derived.attractiveness",), "relative_attractiveness_high_from"),
    "relative_strength": (("derived.relative_strength",), "relative_strength_high_from"),
}


def measure(values: Mapping[str, Any], facts: tuple[str, ...]) -> float:
    """The first of `facts` that has a number in `values`, or NaN."""
    for fact in facts:
        value = values.get(fact)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return math.nan


def percentile(ordered: list[float], value: float) -> float:
    """Where `value` stands among `ordered` (sorted, `value` among them): 0 the lowest, 1 the
    highest, equal values sharing the middle of their places."""
    n = len(ordered)
    below = bisect.bisect_left(ordered, value)
    equal = bisect.bisect_right(ordered, value) - below
    return (below + (equal - 1) / 2.0) / (n - 1)


def percentile_score(p: float, high_from: float) -> float:
    """A percentile as a 1-10 score: 0 scores 1, `high_from` scores 5.5, 1 scores 10."""
    if high_from <= 0:
        return round(5.5 + 4.5 * p, 4)
    if high_from >= 1:
        return round(1 + 4.5 * p, 4)
    if p <= high_from:
        return round(1 + 4.5 * p / high_from, 4)
    return round(5.5 + 4.5 * (p - high_from) / (1 - high_from), 4)


@dataclass
class Ranking:
    """Every row's measures (NaN: none), and each score's sorted measures."""

    cut_lines: dict[str, float]
    by_row: dict[str, array[float]] = field(default_factory=dict)
    ordered: dict[str, list[float]] = field(default_factory=dict)

    def scores(self, index: int) -> dict[str, float]:
        """The portfolio scores of the row at `index` (a score is left out where the row has no
        measure, or where fewer than two accounts have one: one account ranks against nothing)."""
        out: dict[str, float] = {}
        for name, values in self.by_row.items():
            if index >= len(values) or math.isnan(values[index]):
                continue
            ordered = self.ordered[name]
            if len(ordered) < 2:
                continue
            out[name] = percentile_score(percentile(ordered, values[index]), self.cut_lines[name])
        return out

    def counted(self) -> dict[str, int]:
        """How many accounts each score was ranked among."""
        return {name: len(values) for name, values in self.ordered.items()}


def rank(
    rows: Iterable[Prepared],
    engine: Engine,
    as_of: dt.date,
    params: Mapping[str, Any],
    enrich: Callable[[Account], Account],
    skip: Container[int] = (),
) -> Ranking:
    """The measures of every valid row, evaluated as the second pass will evaluate it (`enrich`
    adds what the portfolio knows of the account, its sector's attractiveness); rows in `skip`
    (duplicates) count for nothing."""
    ranking = Ranking({name: float(params[param].value) for name, (_, param) in MEASURES.items()})
    columns = {name: array("d") for name in MEASURES}
    for prep in rows:
        for values in columns.values():
            while len(values) < prep.index:
                values.append(math.nan)
        account = prep.account
        if not prep.ok or account is None or prep.index in skip:
            for values in columns.values():
                values.append(math.nan)
            continue
        ev = engine.program.run(account_values(enrich(account)), as_of, "en", trace=False)
        for name, (facts, _) in MEASURES.items():
            columns[name].append(measure(ev.values, facts))
    ranking.by_row = columns
    ranking.ordered = {name: sorted(v for v in values if not math.isnan(v)) for name, values in columns.items()}
    return ranking
