"""Find values that make a condition true, or show that none exist.

A condition is put in primitive form (negations pushed down to the comparisons), expanded into
its alternatives (each a list of comparisons that must all hold), and each alternative is
solved fact by fact over the fact's representatives (see `domains`). A comparison between two
facts, or with the evaluation date, is not solved: such a condition counts as satisfiable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.engine.lower import PAll, PAny, PCond, Prim, eval_prim, to_prims
from kamrules.language.conditions.tree import Cond
from kamrules.language.rulebase import RuleBase
from kamrules.toolkit.lint.domains import ABSENT, allowed_values, cuts_of, producible, representatives

MAX_ALTERNATIVES = 512


def alternatives(tree: PCond, limit: int = MAX_ALTERNATIVES) -> list[list[Prim]] | None:
    """The condition as a list of alternatives (disjunctive normal form); None when too many."""
    if isinstance(tree, Prim):
        return [[tree]]
    parts = [alternatives(t, limit) for t in tree.items]
    if any(p is None for p in parts):
        return None
    if isinstance(tree, PAny):
        out = [alt for p in parts if p is not None for alt in p]
        return out if len(out) <= limit else None
    assert isinstance(tree, PAll)
    combined: list[list[Prim]] = [[]]
    for p in parts:
        assert p is not None
        combined = [a + b for a in combined for b in p]
        if len(combined) > limit:
            return None
    return combined


@dataclass
class Solver:
    """Solves conditions over one rule base's facts, as of one evaluation date."""

    rb: RuleBase
    as_of: dt.date
    made: Mapping[str, frozenset[Any] | None] = field(default_factory=dict)

    @classmethod
    def of(cls, rb: RuleBase, as_of: dt.date) -> Solver:
        return cls(rb, as_of, producible(rb))

    def domain(self, fact: str, prims: list[Prim]) -> list[Any]:
        info = self.rb.facts[fact]
        return representatives(info, cuts_of(prims), self.as_of, allowed_values(self.rb, fact, self.made))

    def _solvable(self, prims: list[Prim]) -> bool:
        return all(p.arg.kind != "fact" and p.fact != "as_of" and p.fact in self.rb.facts for p in prims)

    def solve_alternative(self, prims: list[Prim], prefer: Callable[[Any], int] | None = None) -> dict[str, Any] | None:
        """Values (ABSENT for "not given") making every comparison true, or None if there are none."""
        by_fact: dict[str, list[Prim]] = {}
        for p in prims:
            by_fact.setdefault(p.fact, []).append(p)
        chosen: dict[str, Any] = {}
        for fact, group in by_fact.items():
            found = [v for v in self.domain(fact, group) if self.holds(group, fact, v)]
            if not found:
                return None
            if prefer is not None:
                found.sort(key=prefer)
            chosen[fact] = found[0]
        return chosen

    def holds(self, prims: list[Prim], fact: str, value: Any) -> bool:
        values = {} if value is ABSENT else {fact: value}
        return all(eval_prim(p, values, self.as_of) is True for p in prims)

    def satisfiable(self, cond: Cond) -> bool:
        """False only when no values at all make `cond` true (unknown counts as satisfiable)."""
        alts = alternatives(to_prims(cond))
        if alts is None:
            return True
        return any(not self._solvable(prims) or self.solve_alternative(prims) is not None for prims in alts)

    def solve(self, cond: Cond) -> dict[str, Any] | None:
        """Values making `cond` true (given values preferred to ABSENT), or None."""
        alts = alternatives(to_prims(cond))
        for prims in alts or []:
            if self._solvable(prims):
                found = self.solve_alternative(prims, prefer=lambda v: 1 if v is ABSENT else 0)
                if found is not None:
                    return found
        return None
