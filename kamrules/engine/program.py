"""A rule base compiled onto durable-rules, and its evaluation, pass by pass.

Stages run in the order the manifest declares, grouped into passes (`passes`). In each pass:
scorecards and computed facts first (arithmetic, in Python: `compute`), then every rule and
table row of the pass is asserted to durable-rules at once (`durable`), which says which ones
hold; each stage then decides its facts from those (`stage`). The facts decided are added to
the account's values before the next pass runs: layers instead of Rete chaining, simpler to
explain and to trace (`trace`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

from kamrules.engine.compute import run_compute, run_scorecard
from kamrules.engine.durable import DurableShard
from kamrules.engine.evaluation import Evaluation
from kamrules.engine.missing import MissingFacts
from kamrules.engine.passes import PassProgram, StageProgram, compile_pass, group_stages, plan_pass
from kamrules.engine.stage import apply_outcome, run_stage
from kamrules.engine.trace import Tracer
from kamrules.errors import RulesetError
from kamrules.language.rulebase import RuleBase


def default_max_rulesets() -> int:
    """How many durable-rules rulesets one rule base may compile to (about 1 MB each)."""
    raw = os.environ.get("KAMRULES_MAX_RULESETS", "")
    return int(raw) if raw.isdigit() else 100


# Computed facts that have a value even when what they read is missing (a count of nothing is 0).
ON_MISSING_TOO = frozenset({"count", "count_where"})


class Program:
    """A rule base compiled onto durable-rules. Thread-safe; holds no per-account state."""

    def __init__(self, rulebase: RuleBase, *, memo_size: int = 4096, max_rulesets: int | None = None) -> None:
        self.rb = rulebase
        self.memo_size = memo_size
        self.max_rulesets = max_rulesets if max_rulesets is not None else default_max_rulesets()
        self.tracer = Tracer(rulebase)
        self.missing = MissingFacts(rulebase)
        plans = [plan_pass(rulebase, group) for group in group_stages(rulebase)]
        needed = sum(len(specs) for _, _, specs in plans)
        if needed > self.max_rulesets:
            branches = sum(spec.branches for _, _, specs in plans for spec in specs)
            raise RulesetError(
                f"the rule base is too large for durable-rules: its {branches:,} condition branches need "
                f"{needed} durable-rules rulesets (at most 48 branches each, since more than 64 conditions "
                f"matching one account fail), and each costs about 1 MB; the limit is {self.max_rulesets} "
                "(KAMRULES_MAX_RULESETS). Merge rules into decision tables or ranges, or raise the limit."
            )
        self.passes: list[PassProgram] = [compile_pass(rulebase, *plan, memo_size=self.memo_size) for plan in plans]
        self.stages: list[StageProgram] = [sp for p in self.passes for sp in p.stages]

    def shards(self) -> list[DurableShard]:
        """Every durable-rules ruleset this program compiled to."""
        return [shard.durable for p in self.passes for shard in p.shards]

    def clear_caches(self) -> None:
        """Forget the memoised durable-rules answers and trace sentences (benchmarks use this)."""
        for shard in self.shards():
            with shard.lock:
                shard.memo.clear()
        self.tracer.clear()

    def run(self, values: dict[str, Any], as_of: dt.date, lang: str = "en", *, trace: bool = True) -> Evaluation:
        """Run every stage on `values` (the account's facts by dotted path, filled in with what
        is decided), as of `as_of`; `trace` false leaves the trace out (faster)."""
        ev = Evaluation(values, as_of, lang)
        tracer = self.tracer if trace else None
        for p in self.passes:
            for sp in p.stages:
                for card in sp.scorecards:
                    apply_outcome(card.id, card.sets, run_scorecard(card, values), card.where, ev, tracer)
                for comp in sp.computes:
                    if comp.op not in ON_MISSING_TOO:
                        # The common case of an account without the facts: no outcome to build.
                        missing = tuple(a for a in comp.args if values.get(a) is None)
                        if missing:
                            ev.missing_detail[comp.sets] = missing
                            continue
                    apply_outcome(comp.id, comp.sets, run_compute(comp, values, as_of), comp.where, ev, tracer)
            held = self.fire_pass(p, values, as_of) if p.shards else set()
            for sp in p.stages:
                start, end = sp.offset, sp.offset + len(sp.owners)
                mine = {i - start for i in held if start <= i < end} if held else held
                run_stage(sp, ev, mine, tracer, self.missing)
        return ev

    def fire_pass(self, p: PassProgram, values: Mapping[str, Any], as_of: dt.date) -> set[int]:
        """The indices (into the pass's items) of the rules and rows whose conditions hold."""
        held: set[int] = set()
        for shard in p.shards:
            fact = shard.encode(values, as_of)
            for n in shard.durable.fire(fact):
                held.add(shard.item_of[n])
        return held
