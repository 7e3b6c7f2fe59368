"""Counter-examples as account facts, ready to paste into a tests file.

A finding on a table names values of the table's inputs; when those inputs are derived facts
(the tier, a score, the profile), the account facts that produce them are found by working back
through what sets each derived fact: a scorecard's given score, a computed ratio or count, or a
rule or row whose condition is then solved in turn. The result is checked by running the rule
base on it: a counter-example is only offered when it really produces the inputs it claims.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.api import Engine
from kamrules.engine.compute import scale_inverse
from kamrules.errors import KamError
from kamrules.language.rulebase import Compute, OutputValue, RuleBase
from kamrules.toolkit.expect import same
from kamrules.toolkit.lint.domains import ABSENT
from kamrules.toolkit.lint.solve import Solver

MAX_DEPTH = 8
BASE = 1_000_000.0  # the denominator of a ratio worked back to account facts


@dataclass
class Synthesiser:
    rb: RuleBase
    solver: Solver
    _engine: Engine | None = field(default=None, init=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = Engine(self.rb)
        return self._engine

    def account(self, wanted: Mapping[str, Any], ident: str = "CX-1") -> dict[str, Any] | None:
        """Account facts under which every fact in `wanted` has its value (ABSENT: no value)."""
        assign: dict[str, Any] = {}
        for fact, value in wanted.items():
            if not self._produce(fact, value, assign, 0):
                return None
        facts = {"id": ident, "name": "Counter-example", **nest(assign)}
        return facts if self._verified(facts, wanted) else None

    def _produce(self, fact: str, value: Any, assign: dict[str, Any], depth: int) -> bool:
        info = self.rb.facts.get(fact)
        if info is None or info.origin == "builtin" or depth > MAX_DEPTH:
            return False
        if info.origin == "input":
            if fact in assign and not _agree(assign[fact], value):
                return False
            assign[fact] = value
            return True
        if value is ABSENT:
            return True  # nothing sets it unless asked to; the final run checks it
        for attempt in self._producers(fact, value):
            trial = dict(assign)
            if all(self._produce(f, v, trial, depth + 1) for f, v in attempt.items()):
                assign.clear()
                assign.update(trial)
                return True
        return False

    def _producers(self, fact: str, value: Any) -> list[dict[str, Any]]:
        """Ways to give `fact` its value, each as the facts they need."""
        ways: list[dict[str, Any]] = []
        for card in self.rb.scorecards:
            if card.sets == fact and card.given is not None:
                ways.append({card.given: value})
        for comp in self.rb.computes:
            if comp.sets == fact and (way := _compute_way(comp, value, self.solver.as_of)):
                ways.append(way)
        outputs: list[tuple[OutputValue, Any]] = []
        for table in self.rb.tables:
            outputs += [(row.outputs[fact], row.when) for row in table.rows if fact in row.outputs]
        for rule in self.rb.rules:
            outputs += [(out, rule.when) for f, out in (*rule.sets.items(), *rule.appends.items()) if f == fact]
        for out, cond in outputs:
            if out.fact is None and not _agree(out.literal, value):
                continue
            solution = self.solver.solve(cond)
            if solution is None:
                continue
            if out.fact is not None:
                solution = {**solution, out.fact: value}
            ways.append(solution)
        return ways

    def _verified(self, facts: dict[str, Any], wanted: Mapping[str, Any]) -> bool:
        try:
            _, ev = self.engine.evaluate(facts, as_of=self.solver.as_of, trace=False)
        except KamError:
            return False
        for fact, value in wanted.items():
            got = ev.values.get(fact)
            if (value is ABSENT) != (got is None) or (got is not None and not _agree(value, got)):
                return False
        return True


def _agree(a: Any, b: Any) -> bool:
    if a is ABSENT or b is ABSENT:
        return a is b
    if isinstance(b, list) and not isinstance(a, list):
        return a in b
    return same(a, b)


def _compute_way(comp: Compute, value: Any, as_of: dt.date) -> dict[str, Any] | None:
    op, args, filters = comp.op, comp.args, comp.filters
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if op == "scale":
        x = scale_inverse(comp.points, float(value))
        return None if x is None else {args[0]: x}
    if op in ("minimum", "maximum"):
        return {args[0]: [{"name": "Record", comp.item_field: value}]}
    if op == "ratio":
        return {args[0]: value * BASE, args[1]: BASE}
    if op in ("count", "count_where") and value >= 0 and float(value).is_integer():
        item = {"name": "Member"} | {k: accepted[0] for k, accepted in filters}
        return {args[0]: [item | {"name": f"Member {i + 1}"} for i in range(int(value))]}
    if op == "days_until":
        return {args[0]: as_of + dt.timedelta(days=int(value))}
    if op == "days_since":
        return {args[0]: as_of - dt.timedelta(days=int(value))}
    return None


def nest(assign: Mapping[str, Any]) -> dict[str, Any]:
    """`{"business.revenue": 5}` -> `{"business": {"revenue": 5}}`, leaving out absent facts."""
    out: dict[str, Any] = {}
    for path, value in assign.items():
        if value is ABSENT:
            continue
        *groups, last = path.split(".")
        target = out
        for part in groups:
            target = target.setdefault(part, {})
        if isinstance(value, dict) and isinstance(target.get(last), dict):
            target[last].update(value)
        else:
            target[last] = value
    return out


_BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .\-]*$")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "~"}


def flow_yaml(value: Any) -> str:
    """A value as one line of YAML flow style, as a person would type it."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow_yaml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int, dt.date)):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    text = str(value)
    if _BARE.match(text) and text.lower() not in _RESERVED and not text.endswith(" "):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
