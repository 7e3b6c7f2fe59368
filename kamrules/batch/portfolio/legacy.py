"""Today's portfolio code this package leans on, imported in this one place.

The columnar run gives the same rows and summary as `kam portfolio`, so it reuses, rather than
copies, what decides them: the rule bases and how they are loaded, the sectors and plans files,
the output columns, a row's preparation (the judge of every row the column-wise path cannot
vouch for, and of every error row), the totals' warnings and the summary's data model. The
wiring of `kam portfolio` onto the columnar run re-points this file as the portfolio modules
change.
"""

from __future__ import annotations

from kamrules.io.outputs import format_of, jsonl_line, row_writer
from kamrules.model.cellformats import Forced
from kamrules.portfolio import flatten
from kamrules.portfolio.columns import IDENTITY, ColumnMap, load_column_map
from kamrules.portfolio.evaluate import INTERNAL, Evaluator, Shared
from kamrules.portfolio.knowledge import Compiled, PortfolioKnowledge, account_engine, load_knowledge
from kamrules.portfolio.matrices import MATRICES
from kamrules.portfolio.plots import plot_models
from kamrules.portfolio.prepare import Prepared, RowProblem, prepare
from kamrules.portfolio.progress import plan_progress
from kamrules.portfolio.run import (
    Outcome,
    PortfolioWarning,
    Request,
    plot_context,
    read_plan_folder,
    rendered_warnings,
)
from kamrules.portfolio.scan import Place, Scan, duplicate_problem
from kamrules.portfolio.sectors import SectorResult, evaluate_sectors, load_sectors
from kamrules.portfolio.tally import ESTIMATES, MAX_IDS, POINT_COLUMNS, Tally

__all__ = [
    "ESTIMATES",
    "IDENTITY",
    "INTERNAL",
    "MATRICES",
    "MAX_IDS",
    "POINT_COLUMNS",
    "ColumnMap",
    "Compiled",
    "Evaluator",
    "Forced",
    "Outcome",
    "Place",
    "PortfolioKnowledge",
    "PortfolioWarning",
    "Prepared",
    "Request",
    "RowProblem",
    "Scan",
    "SectorResult",
    "Shared",
    "Tally",
    "account_engine",
    "duplicate_problem",
    "evaluate_sectors",
    "flatten",
    "format_of",
    "jsonl_line",
    "load_column_map",
    "load_knowledge",
    "load_sectors",
    "plan_progress",
    "plot_context",
    "plot_models",
    "prepare",
    "read_plan_folder",
    "rendered_warnings",
    "row_writer",
]
