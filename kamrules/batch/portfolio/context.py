"""What a columnar portfolio run shares between its batches, and what each process loads once.

`Context` is small and picklable: the rules folders, the language and date, the input's name
and column map, the sectors' scores and the ids with a plan. A worker process (or a Dask
worker) receives it once and loads the rule bases from it (`loaded`, kept per process).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa

from kamrules.api import Engine
from kamrules.batch.plan import PassPlan, plans_of
from kamrules.batch.portfolio import legacy
from kamrules.batch.portfolio.schema import output_schema
from kamrules.portfolio.progress import PlanProgress


@dataclass(frozen=True)
class Context:
    """What every batch of a run shares."""

    rules: tuple[str, ...]
    lang: str
    as_of: dt.date
    name: str  # the input, as problems name it
    colmap: legacy.ColumnMap = field(default_factory=lambda: legacy.IDENTITY)
    sectors: Mapping[str, legacy.SectorResult] = field(default_factory=dict)  # by id, case folded
    plans: frozenset[str] | None = None  # ids with a plan in --plans DIR
    progress: Mapping[str, PlanProgress] | None = None  # id -> its plan's objectives, by state


@dataclass
class Loaded:
    """The rule bases of a run, compiled once per process, and the output's layout."""

    engine: Engine
    knowledge: legacy.PortfolioKnowledge
    account_plans: list[PassPlan]
    position_plans: list[PassPlan]
    columns: list[str]
    schema: pa.Schema


_LOADED: dict[tuple[str, ...], Loaded] = {}
_LOCK = threading.Lock()


def loaded(rules: tuple[str, ...]) -> Loaded:
    """The rule bases for `rules` (user folders on top of the built-in ones), loaded once."""
    with _LOCK:
        known = _LOADED.get(rules)
        if known is None:
            engine = legacy.account_engine(rules)
            knowledge = legacy.load_knowledge(rules)
            known = _LOADED[rules] = _load(engine, knowledge)
        return known


def _load(engine: Engine, knowledge: legacy.PortfolioKnowledge) -> Loaded:
    rb = knowledge.accounts.rulebase
    columns = legacy.flatten.columns(rb)
    return Loaded(
        engine,
        knowledge,
        plans_of(engine.program),
        plans_of(knowledge.accounts.program),
        columns,
        output_schema(rb, columns),
    )


def remember(rules: tuple[str, ...], engine: Engine, knowledge: legacy.PortfolioKnowledge) -> Loaded:
    """Keep rule bases the caller has loaded already (the parent process of a run)."""
    with _LOCK:
        known = _LOADED[rules] = _load(engine, knowledge)
        return known
