"""Lowering a condition to the comparisons durable-rules can run.

Every test of the ruleset language becomes a few *primitives* (`Prim`): one comparison on one
encoded key of a fact, `value` (the value itself; dates as day ordinals), `days` (days from the
evaluation date to a date), `count` (the length of a list or mapping, 0 when absent), `has`
(whether a list holds an item) or `present` (whether the fact is given). Negations are pushed
down to the comparisons (negation normal form), which durable-rules needs: it has no "not".

`eval_pcond` gives the primitives' own three-valued truth, which must be the language's
(`kamrules.language.conditions.evaluate`): tests/engine/test_lowering.py checks it on generated
conditions, and tests/engine/test_differential.py checks durable-rules against both. The lint
checks solve conditions in this form (`kamrules.toolkit.lint.solve`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from kamrules.language.conditions.evaluate import all_of, any_of, comparable, compare, fact_value
from kamrules.language.conditions.tree import All, Arg, Cond, Leaf, Not, Truth

Cmp = Literal["eq", "ne", "gt", "gte", "lt", "lte"]


@dataclass(frozen=True)
class Prim:
    """A primitive comparison on one encoded key of a fact (see the module's docstring)."""

    fact: str
    key: Literal["value", "days", "count", "has", "present"]
    cmp: Cmp
    arg: Arg = field(default_factory=lambda: Arg("lit", True))


@dataclass(frozen=True)
class PAll:
    items: tuple[PCond, ...]


@dataclass(frozen=True)
class PAny:
    items: tuple[PCond, ...]


PCond = Union[Prim, PAll, PAny]  # noqa: UP007 - a recursive alias needs Union

_NEGATE_CMP: dict[str, Cmp] = {"eq": "ne", "ne": "eq", "gt": "lte", "lte": "gt", "gte": "lt", "lt": "gte"}


def _negate_prim(p: Prim) -> Prim:
    if p.key in ("has", "present"):
        return Prim(p.fact, p.key, p.cmp, Arg("lit", not p.arg.value, p.arg.name))
    return Prim(p.fact, p.key, _NEGATE_CMP[p.cmp], p.arg)


def _lit(value: Any) -> Arg:
    return Arg("lit", value)


def _item(value: Any, wanted: bool) -> Arg:
    # `has`: the item is the argument's name, the flag whether the list must hold it.
    return Arg("lit", wanted, name=str(value))


def _negative(arg: Arg) -> Arg:
    return Arg(arg.kind, -arg.value, arg.name)


def _between(leaf: Leaf) -> PCond:
    low: Cmp = "gte" if leaf.inclusive[0] else "gt"
    high: Cmp = "lte" if leaf.inclusive[1] else "lt"
    return PAll((Prim(leaf.fact, "value", low, leaf.args[0]), Prim(leaf.fact, "value", high, leaf.args[1])))


def _comparison(cmp: Cmp) -> Callable[[Leaf], PCond]:
    return lambda leaf: Prim(leaf.fact, "value", cmp, leaf.args[0])


# How each operator of the language is lowered (kamrules.language.operators lists them).
LOWERINGS: dict[str, Callable[[Leaf], PCond]] = {
    "eq": _comparison("eq"),
    "ne": _comparison("ne"),
    "gt": _comparison("gt"),
    "gte": _comparison("gte"),
    "lt": _comparison("lt"),
    "lte": _comparison("lte"),
    "between": _between,
    "one_of": lambda leaf: PAny(tuple(Prim(leaf.fact, "value", "eq", a) for a in leaf.args)),
    "none_of": lambda leaf: PAll(tuple(Prim(leaf.fact, "value", "ne", a) for a in leaf.args)),
    "exists": lambda leaf: Prim(leaf.fact, "present", "eq", _lit(True)),
    "missing": lambda leaf: Prim(leaf.fact, "present", "eq", _lit(False)),
    "empty": lambda leaf: Prim(leaf.fact, "count", "eq", _lit(0)),
    "not_empty": lambda leaf: Prim(leaf.fact, "count", "gt", _lit(0)),
    "contains": lambda leaf: Prim(leaf.fact, "has", "eq", _item(leaf.args[0].value, True)),
    "not_contains": lambda leaf: Prim(leaf.fact, "has", "eq", _item(leaf.args[0].value, False)),
    "contains_any": lambda leaf: PAny(tuple(Prim(leaf.fact, "has", "eq", _item(a.value, True)) for a in leaf.args)),
    "within_days": lambda leaf: PAll(
        (Prim(leaf.fact, "days", "gte", _lit(0)), Prim(leaf.fact, "days", "lte", leaf.args[0]))
    ),
    "within_last_days": lambda leaf: PAll(
        (Prim(leaf.fact, "days", "gte", _negative(leaf.args[0])), Prim(leaf.fact, "days", "lte", _lit(0)))
    ),
    "older_than_days": lambda leaf: Prim(leaf.fact, "days", "lt", _negative(leaf.args[0])),
    "beyond_days": lambda leaf: Prim(leaf.fact, "days", "gt", leaf.args[0]),
    "past": lambda leaf: Prim(leaf.fact, "days", "lt", _lit(0)),
    "not_past": lambda leaf: Prim(leaf.fact, "days", "gte", _lit(0)),
}


def leaf_prims(leaf: Leaf, negate: bool = False) -> PCond:
    """The primitive form of a leaf, in negation normal form when `negate` is set."""
    tree = LOWERINGS[leaf.op](leaf)
    return negate_pcond(tree) if negate else tree


def negate_pcond(tree: PCond) -> PCond:
    if isinstance(tree, Prim):
        return _negate_prim(tree)
    if isinstance(tree, PAll):
        return PAny(tuple(negate_pcond(t) for t in tree.items))
    return PAll(tuple(negate_pcond(t) for t in tree.items))


def to_prims(cond: Cond, negate: bool = False) -> PCond:
    """The whole condition in primitives, negations pushed down to the comparisons."""
    if isinstance(cond, Leaf):
        return leaf_prims(cond, negate)
    if isinstance(cond, Not):
        return to_prims(cond.item, not negate)
    parts = tuple(to_prims(c, negate) for c in cond.items)
    if isinstance(cond, All):
        return PAny(parts) if negate else PAll(parts)
    return PAll(parts) if negate else PAny(parts)


def iter_prims(tree: PCond) -> list[Prim]:
    if isinstance(tree, Prim):
        return [tree]
    out: list[Prim] = []
    for item in tree.items:
        out.extend(iter_prims(item))
    return out


def eval_prim(p: Prim, values: Mapping[str, Any], as_of: dt.date) -> Truth:
    """The three-valued truth of one primitive."""
    raw = fact_value(p.fact, values, as_of)
    if p.key == "present":
        return (raw is not None) == bool(p.arg.value)
    if p.key == "count":
        n = 0 if raw is None else len(raw) if isinstance(raw, (list, tuple, dict, str)) else 1
        return compare(p.cmp, float(n), float(p.arg.value))
    if raw is None:
        return None
    if p.key == "has":
        return isinstance(raw, (list, tuple)) and (p.arg.name in raw) == bool(p.arg.value)
    right = _operand(p.arg, values, as_of)
    if p.key == "days":
        if not isinstance(raw, dt.date):
            return None
        days = float((raw - as_of).days)
        return None if right is None else compare(p.cmp, days, float(right))
    if right is None:
        return None
    return compare(p.cmp, comparable(raw), right)


def _operand(arg: Arg, values: Mapping[str, Any], as_of: dt.date) -> Any:
    if arg.kind == "fact":
        raw = fact_value(str(arg.name), values, as_of)
        return None if raw is None else comparable(raw)
    return comparable(arg.value)


def eval_pcond(tree: PCond, values: Mapping[str, Any], as_of: dt.date) -> Truth:
    if isinstance(tree, Prim):
        return eval_prim(tree, values, as_of)
    results = [eval_pcond(t, values, as_of) for t in tree.items]
    return all_of(results) if isinstance(tree, PAll) else any_of(results)
