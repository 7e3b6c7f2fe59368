"""The second pass, one row at a time: the account's advice, then its place on the portfolio
matrices, flattened into one output row (or an error row naming the column and the problem).

An `Evaluator` holds everything a row needs that is the same for every row (the compiled rule
bases, the sectors, the portfolio medians), so a worker process builds one and reuses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kamrules import codes
from kamrules.advice.build import advice_data
from kamrules.api import Engine
from kamrules.model.account import Account, account_values
from kamrules.portfolio import flatten
from kamrules.portfolio.enrich import with_context
from kamrules.portfolio.knowledge import PortfolioKnowledge
from kamrules.portfolio.prepare import Prepared, RowProblem
from kamrules.portfolio.progress import PlanProgress
from kamrules.portfolio.relative import Ranking
from kamrules.portfolio.scan import Place
from kamrules.portfolio.sectors import SectorResult

INTERNAL = codes.INTERNAL  # the code of a row's problem that is a bug of kamrules, not of the input


@dataclass(frozen=True)
class Shared:
    """What every row's evaluation shares; small and picklable, sent once to each worker."""

    rules: tuple[str, ...]
    lang: str
    as_of: dt.date
    revenue_median: float | None
    potential_median: float | None
    sectors: Mapping[str, SectorResult]
    plans: frozenset[str] | None  # ids with a plan file in --plans DIR
    progress: Mapping[str, PlanProgress] | None = None  # id -> its plan's objectives, by state
    ranking: Ranking | None = None  # --scores portfolio: every account's measures
    snapshots: bool = False  # each row also carries what the history store records (--record, --compare)


@dataclass
class RowResult:
    index: int
    row: int
    line: int | None
    cells: dict[str, Any]
    problems: list[RowProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


class Evaluator:
    def __init__(self, engine: Engine, knowledge: PortfolioKnowledge, shared: Shared) -> None:
        self.engine = engine
        self.knowledge = knowledge
        self.shared = shared
        self.columns = flatten.columns(knowledge.accounts.rulebase)

    def evaluate(self, prep: Prepared, place: Place | None, duplicate: RowProblem | None) -> RowResult:
        problems = list(prep.problems)
        if duplicate is not None:
            problems.append(duplicate)
        if problems or prep.account is None:
            return self._error(prep, problems)
        account = self.enriched(prep)
        # The advice without its trace: a portfolio row has no room for it, and building the
        # trace's sentences costs a quarter of the time.
        _, evaluation = self.engine.evaluate(account, lang=self.shared.lang, as_of=self.shared.as_of, trace=False)
        # Plain data, not the pydantic model: the row only flattens it.
        advice = advice_data(self.engine.rulebase, evaluation, account.id, account.name)
        values = self._values(prep, account, advice, place)
        ev = self.knowledge.accounts.program.run(values, self.shared.as_of, self.shared.lang, trace=False)
        cells: dict[str, Any] = dict.fromkeys(self.columns)
        cells.update({"row": prep.row, "status": "ok"})
        cells.update(flatten.account_cells(account))
        cells.update(flatten.advice_cells(advice))
        if place is not None:
            cells["portfolio.revenue_share"] = place.revenue_share
            cells["portfolio.cumulative_share_before"] = place.cumulative_share_before
        cells["plan.exists"] = values.get("plan.exists")
        cells.update(self._sector_cells(account.sector))
        cells.update(flatten.derived_cells(self.knowledge.accounts.rulebase, ev.values, self.shared.lang))
        progress = (self.shared.progress or {}).get(account.id)
        if progress is not None:
            cells.update(progress.cells())
        if self.shared.snapshots:  # built here, in the worker, next to the advice
            from kamrules.store.snapshots import SNAPSHOT_CELL, snapshot_cell

            cells[SNAPSHOT_CELL] = snapshot_cell(account, advice)
        return RowResult(prep.index, prep.row, prep.line, cells, [])

    def enriched(self, prep: Prepared) -> Account:
        """The row's account with what the portfolio knows of it: its sector's attractiveness, and
        its scores against the portfolio (--scores portfolio)."""
        assert prep.account is not None  # the caller checked
        sector = self._sector(prep.account.sector)
        ranking = self.shared.ranking
        return with_context(
            prep.account,
            sector.attractiveness if sector is not None else None,
            ranking.scores(prep.index) if ranking is not None else None,
        )

    def _values(
        self, prep: Prepared, account: Account, advice: Mapping[str, Any], place: Place | None
    ) -> dict[str, Any]:
        assert prep.account is not None  # the caller checked
        values = account_values(account)
        for key in ("tier", "profile", "strategy"):
            value = advice[key]
            if value is not None:
                values[f"advice.{key}"] = value
        if place is not None:
            values["portfolio.revenue_share"] = place.revenue_share
            values["portfolio.cumulative_share_before"] = place.cumulative_share_before
        if self.shared.revenue_median is not None:
            values["portfolio.revenue_median"] = self.shared.revenue_median
        if self.shared.potential_median is not None:
            values["portfolio.potential_median"] = self.shared.potential_median
        sector = self._sector(prep.account.sector)
        if sector is not None:
            if sector.attractiveness is not None:
                values["sector.attractiveness"] = sector.attractiveness
            if sector.adaptability is not None:
                values["sector.adaptability"] = sector.adaptability
        plan = prep.plan
        if plan is not None and plan.exists is not None:
            values["plan.exists"] = plan.exists
        elif self.shared.plans is not None:
            values["plan.exists"] = prep.account.id in self.shared.plans
        if plan is not None and plan.reviewed is not None:
            values["plan.reviewed"] = plan.reviewed
        return values

    def _sector(self, name: str | None) -> SectorResult | None:
        return self.shared.sectors.get(name.casefold()) if name else None

    def _sector_cells(self, name: str | None) -> dict[str, Any]:
        sector = self._sector(name)
        if sector is None:
            return {}
        rb = self.knowledge.sectors.rulebase
        lang = self.shared.lang
        return {
            "sector.attractiveness": sector.attractiveness,
            "sector.adaptability": sector.adaptability,
            "attractiveness_adaptability.quadrant": sector.quadrant,
            "attractiveness_adaptability.quadrant.text": rb.label("target.quadrant", sector.quadrant, lang)
            if sector.quadrant
            else None,
            "attractiveness_adaptability.advice": sector.advice,
            "attractiveness_adaptability.advice.text": rb.label("target.advice", sector.advice, lang)
            if sector.advice
            else None,
        }

    def internal_error(self, prep: Prepared, exc: Exception) -> RowResult:
        """An error row for a bug met on this row: reported, and the other rows go on."""
        message = f"internal error ({type(exc).__name__}: {exc}); this is a bug, please report it"
        return self._error(prep, [RowProblem("", message, INTERNAL, prep.line)])

    def _error(self, prep: Prepared, problems: list[RowProblem]) -> RowResult:
        cells: dict[str, Any] = dict.fromkeys(self.columns)
        cells.update(flatten.error_cells(prep.row, prep.ident, prep.name, [(p.column, p.text()) for p in problems]))
        return RowResult(prep.index, prep.row, prep.line, cells, problems)
