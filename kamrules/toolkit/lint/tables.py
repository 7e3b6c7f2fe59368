"""Decision tables, input by input: every combination of representative input values, and which
rows hold for each. Exact for tables whose cells compare an input with constants, which is what
a decision table is; a table with a cell comparing two facts is not analysed.

Gaps are looked for among given inputs only, except for an input some row tests with
`missing: true`: the table's author handles its absence, so its absence is tried too. A missing
fact elsewhere leaves the decision undecided, and the advice says which facts would decide it
(docs/contract.md §2). Overlaps and masking look at absent inputs as well.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kamrules.engine.lower import iter_prims as prims_in
from kamrules.engine.lower import to_prims
from kamrules.language.conditions.evaluate import evaluate
from kamrules.language.conditions.tree import Leaf, leaves
from kamrules.language.rulebase import Row, Table
from kamrules.toolkit.lint.domains import ABSENT
from kamrules.toolkit.lint.solve import Solver

MAX_COMBINATIONS = 20_000


@dataclass(frozen=True)
class Combination:
    values: dict[str, Any]  # input fact -> value (ABSENT for not given)
    holding: tuple[int, ...]  # indices of the rows whose condition is true


@dataclass(frozen=True)
class TableAnalysis:
    table: Table
    facts: tuple[str, ...]
    combinations: tuple[Combination, ...]
    absence_handled: frozenset[str]  # inputs some row tests with missing: true

    def row(self, index: int) -> Row:
        return self.table.rows[index]

    def given(self) -> Iterator[Combination]:
        """Combinations where every input is given, except those whose absence a row handles."""
        for combo in self.combinations:
            if all(v is not ABSENT or f in self.absence_handled for f, v in combo.values.items()):
                yield combo


def analysable(table: Table) -> bool:
    for row in table.rows:
        for leaf in leaves(row.when):
            if leaf.fact == "as_of" or any(a.kind == "fact" for a in leaf.args):
                return False
    return True


def combination_count(table: Table, solver: Solver) -> int:
    return math.prod(len(d) for d in _domains(table, solver).values())


def _domains(table: Table, solver: Solver) -> dict[str, list[Any]]:
    facts = list(dict.fromkeys(table.inputs.values()))
    prims = [p for row in table.rows for p in prims_in(to_prims(row.when))]
    return {f: solver.domain(f, [p for p in prims if p.fact == f]) for f in facts}


def analyse(table: Table, solver: Solver) -> TableAnalysis | None:
    """Every combination of the table's inputs and the rows that hold; None if not analysable."""
    if not analysable(table):
        return None
    domains = _domains(table, solver)
    if math.prod(len(d) for d in domains.values()) > MAX_COMBINATIONS:
        return None
    facts = tuple(domains)
    handled = frozenset(
        leaf.fact for row in table.rows for leaf in leaves(row.when) if isinstance(leaf, Leaf) and leaf.op == "missing"
    )
    combos: list[Combination] = []
    for picked in itertools.product(*(domains[f] for f in facts)):
        values = {f: v for f, v in zip(facts, picked, strict=True) if v is not ABSENT}
        holding = tuple(i for i, row in enumerate(table.rows) if evaluate(row.when, values, solver.as_of) is True)
        combos.append(Combination(dict(zip(facts, picked, strict=True)), holding))
    return TableAnalysis(table, facts, tuple(combos), handled)
