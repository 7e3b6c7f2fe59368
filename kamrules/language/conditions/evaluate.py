"""The reference evaluation of a condition, in plain Python, with three-valued logic.

This defines what a missing fact means in the ruleset language:

* a comparison on a missing fact is neither true nor false (`None`, unknown);
* `exists`, `missing`, `empty` and `not_empty` are always known (a list that is not given
  counts as empty);
* `all` is false if any part is false, true if all are true, unknown otherwise; `any` is the
  mirror image; `not` turns true into false and leaves unknown unknown (Kleene's logic).

durable-rules fires a rule exactly when its condition is *true*: the engine lowers each test to
the comparisons durable-rules runs (`kamrules.engine.lower`), and tests/engine/test_lowering.py
holds the two to the same answers. The advice's words (`explain`) and the toolkit's analysis
use this evaluation to say which parts held.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kamrules.language.conditions.tree import All, Arg, Cond, Leaf, Not, Truth

Values = Mapping[str, Any]


def comparable(value: Any) -> Any:
    """Dates compare as day ordinals, booleans as text, numbers as floats: exactly as encoded."""
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return float(value)
    return value


def fact_value(name: str, values: Values, as_of: dt.date) -> Any:
    """A fact's value (`as_of` is the evaluation date); None when it is not given."""
    return as_of if name == "as_of" else values.get(name)


def compare(cmp: str, left: Any, right: Any) -> bool:
    """`left <cmp> right` for eq, ne, gt, gte, lt, lte; an ordering of two types is false."""
    if cmp == "eq":
        return bool(left == right)
    if cmp == "ne":
        return bool(left != right)
    if type(left) is not type(right) and not (isinstance(left, float) and isinstance(right, float)):
        return False  # never reached with type-checked rules; durable says false too
    if cmp == "gt":
        return bool(left > right)
    if cmp == "gte":
        return bool(left >= right)
    if cmp == "lt":
        return bool(left < right)
    return bool(left <= right)


def all_of(results: Iterable[Truth]) -> Truth:
    """Kleene's and: false if any is false, true if all are true, else unknown."""
    found = list(results)
    if any(r is False for r in found):
        return False
    return True if all(r is True for r in found) else None


def any_of(results: Iterable[Truth]) -> Truth:
    """Kleene's or: true if any is true, false if all are false, else unknown."""
    found = list(results)
    if any(r is True for r in found):
        return True
    return False if all(r is False for r in found) else None


def _operand(arg: Arg, values: Values, as_of: dt.date) -> Any:
    if arg.kind == "fact":
        raw = fact_value(str(arg.name), values, as_of)
        return None if raw is None else comparable(raw)
    return comparable(arg.value)


def _value(cmp: str, raw: Any, arg: Arg, values: Values, as_of: dt.date) -> Truth:
    """The fact's value compared with an operand (unknown when either is missing)."""
    if raw is None:
        return None
    right = _operand(arg, values, as_of)
    if right is None:
        return None
    return compare(cmp, comparable(raw), right)


def _days(cmp: str, raw: Any, limit: float, as_of: dt.date) -> Truth:
    """The days from the evaluation date to the fact's date compared with `limit`."""
    if not isinstance(raw, dt.date):
        return None
    return compare(cmp, float((raw - as_of).days), float(limit))


def _count(raw: Any) -> float:
    """The number of items (0 when not given, 1 for a single value)."""
    if raw is None:
        return 0.0
    return float(len(raw)) if isinstance(raw, (list, tuple, dict, str)) else 1.0


def _holds(raw: Any, item: Any, wanted: bool) -> Truth:
    """Whether a list fact holds `item` is `wanted` (unknown when the list is not given)."""
    if raw is None:
        return None
    return isinstance(raw, (list, tuple)) and (str(item) in raw) == wanted


# What each operator means: (the leaf, the fact's value, the values, the evaluation date) -> truth.
Test = Callable[[Leaf, Any, Values, dt.date], Truth]


def _between(leaf: Leaf, raw: Any, values: Values, as_of: dt.date) -> Truth:
    low = "gte" if leaf.inclusive[0] else "gt"
    high = "lte" if leaf.inclusive[1] else "lt"
    return all_of((_value(low, raw, leaf.args[0], values, as_of), _value(high, raw, leaf.args[1], values, as_of)))


def _comparison(cmp: str) -> Test:
    return lambda leaf, raw, values, as_of: _value(cmp, raw, leaf.args[0], values, as_of)


def _days_test(cmp: str, sign: float = 1.0) -> Test:
    return lambda leaf, raw, values, as_of: _days(cmp, raw, sign * leaf.args[0].value, as_of)


TESTS: dict[str, Test] = {
    "eq": _comparison("eq"),
    "ne": _comparison("ne"),
    "gt": _comparison("gt"),
    "gte": _comparison("gte"),
    "lt": _comparison("lt"),
    "lte": _comparison("lte"),
    "between": _between,
    "one_of": lambda leaf, raw, values, as_of: any_of(_value("eq", raw, a, values, as_of) for a in leaf.args),
    "none_of": lambda leaf, raw, values, as_of: all_of(_value("ne", raw, a, values, as_of) for a in leaf.args),
    "exists": lambda leaf, raw, values, as_of: raw is not None,
    "missing": lambda leaf, raw, values, as_of: raw is None,
    "empty": lambda leaf, raw, values, as_of: _count(raw) == 0.0,
    "not_empty": lambda leaf, raw, values, as_of: _count(raw) > 0.0,
    "contains": lambda leaf, raw, values, as_of: _holds(raw, leaf.args[0].value, True),
    "not_contains": lambda leaf, raw, values, as_of: _holds(raw, leaf.args[0].value, False),
    "contains_any": lambda leaf, raw, values, as_of: any_of(_holds(raw, a.value, True) for a in leaf.args),
    "within_days": lambda leaf, raw, values, as_of: all_of(
        (_days("gte", raw, 0.0, as_of), _days("lte", raw, leaf.args[0].value, as_of))
    ),
    "within_last_days": lambda leaf, raw, values, as_of: all_of(
        (_days("gte", raw, -leaf.args[0].value, as_of), _days("lte", raw, 0.0, as_of))
    ),
    "older_than_days": _days_test("lt", -1.0),
    "beyond_days": _days_test("gt"),
    "past": lambda leaf, raw, values, as_of: _days("lt", raw, 0.0, as_of),
    "not_past": lambda leaf, raw, values, as_of: _days("gte", raw, 0.0, as_of),
}


def evaluate_leaf(leaf: Leaf, values: Values, as_of: dt.date) -> Truth:
    """The three-valued truth of one test."""
    return TESTS[leaf.op](leaf, fact_value(leaf.fact, values, as_of), values, as_of)


def evaluate(cond: Cond, values: Values, as_of: dt.date) -> Truth:
    """The three-valued truth of a condition."""
    if isinstance(cond, Leaf):
        return evaluate_leaf(cond, values, as_of)
    if isinstance(cond, Not):
        inner = evaluate(cond.item, values, as_of)
        return None if inner is None else not inner
    results = [evaluate(c, values, as_of) for c in cond.items]
    return all_of(results) if isinstance(cond, All) else any_of(results)
