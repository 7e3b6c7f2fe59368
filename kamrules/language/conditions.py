"""Conditions: the `when:` of rules and the cells of decision tables.

Parsing turns what a business user wrote (`relationship.stage: [exploratory, basic]`,
`">= contribution_cutline"`, `"[3..7)"`) into a small tree of `Leaf`, `All`, `AnyOf` and `Not`
nodes, checked against the facts catalog and the parameters.

Every leaf also has a *primitive* form: the handful of comparisons the durable-rules engine
can run (`Prim`). The same primitives are evaluated here in plain Python with three-valued
logic, which defines what a missing fact means:

* a comparison on a missing fact is neither true nor false (`None`, unknown);
* `exists`, `missing`, `empty` and `not_empty` are always known (a list that is not given
  counts as empty);
* `all` is false if any part is false, true if all are true, unknown otherwise; `any` is the
  mirror image; `not` turns true into false and leaves unknown unknown (Kleene's logic).

durable-rules fires a rule exactly when its condition is *true*; the engine asks this module
which unknown parts kept a decision from being made.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from kamrules.errors import Location, Problem
from kamrules.language.catalog import FactInfo
from kamrules.language.suggest import suggest

Truth = bool | None

# ---------------------------------------------------------------------------------------------
# The tree


@dataclass(frozen=True)
class Arg:
    """An operand: a literal, a parameter (already resolved to its value), or another fact."""

    kind: Literal["lit", "param", "fact"]
    value: Any = None
    name: str | None = None

    def show(self) -> str:
        if self.kind == "fact":
            return str(self.name)
        shown = _show_value(self.value)
        return f"{shown} ({self.name})" if self.kind == "param" else shown


@dataclass(frozen=True)
class Leaf:
    """One test on one fact, as the user wrote it."""

    fact: str
    op: str
    args: tuple[Arg, ...] = ()
    inclusive: tuple[bool, bool] = (True, True)
    where: Location = field(default_factory=Location, compare=False)
    source: str = field(default="", compare=False)

    def facts(self) -> set[str]:
        out = {self.fact}
        out.update(a.name for a in self.args if a.kind == "fact" and a.name)
        return out

    def params(self) -> set[str]:
        return {a.name for a in self.args if a.kind == "param" and a.name}


@dataclass(frozen=True)
class All:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond


Cond = Union[Leaf, All, AnyOf, Not]  # noqa: UP007 - a recursive alias needs Union
TRUE = All(())


def leaves(cond: Cond) -> list[Leaf]:
    if isinstance(cond, Leaf):
        return [cond]
    if isinstance(cond, Not):
        return leaves(cond.item)
    out: list[Leaf] = []
    for item in cond.items:
        out.extend(leaves(item))
    return out


def facts_read(cond: Cond) -> set[str]:
    out: set[str] = set()
    for leaf in leaves(cond):
        out |= leaf.facts()
    return out


def params_read(cond: Cond) -> set[str]:
    out: set[str] = set()
    for leaf in leaves(cond):
        out |= leaf.params()
    return out


# ---------------------------------------------------------------------------------------------
# Primitives: what durable-rules evaluates, and the reference semantics


@dataclass(frozen=True)
class Prim:
    """A primitive comparison on one encoded key of a fact.

    `key` says which encoding of the fact is compared: `value` (the value itself; dates as day
    ordinals), `days` (days from the evaluation date to a date), `count` (the length of a list or
    mapping, 0 when absent), `has` (whether a list holds `arg`), `present` (whether it is given).
    """

    fact: str
    key: Literal["value", "days", "count", "has", "present"]
    cmp: Literal["eq", "ne", "gt", "gte", "lt", "lte"]
    arg: Arg = field(default_factory=lambda: Arg("lit", True))


@dataclass(frozen=True)
class PAll:
    items: tuple[PCond, ...]


@dataclass(frozen=True)
class PAny:
    items: tuple[PCond, ...]


PCond = Union[Prim, PAll, PAny]  # noqa: UP007

_NEGATE_CMP: dict[str, Literal["eq", "ne", "gt", "gte", "lt", "lte"]] = {
    "eq": "ne",
    "ne": "eq",
    "gt": "lte",
    "lte": "gt",
    "gte": "lt",
    "lt": "gte",
}


def _negate_prim(p: Prim) -> Prim:
    if p.key in ("has", "present"):
        return Prim(p.fact, p.key, p.cmp, Arg("lit", not p.arg.value, p.arg.name))
    return Prim(p.fact, p.key, _NEGATE_CMP[p.cmp], p.arg)


def _lit(value: Any) -> Arg:
    return Arg("lit", value)


def leaf_prims(leaf: Leaf, negate: bool = False) -> PCond:
    """The primitive form of a leaf, in negation normal form when `negate` is set."""
    tree = _leaf_prims(leaf)
    return negate_pcond(tree) if negate else tree


def negate_pcond(tree: PCond) -> PCond:
    if isinstance(tree, Prim):
        return _negate_prim(tree)
    if isinstance(tree, PAll):
        return PAny(tuple(negate_pcond(t) for t in tree.items))
    return PAll(tuple(negate_pcond(t) for t in tree.items))


def _leaf_prims(leaf: Leaf) -> PCond:
    f, op, args = leaf.fact, leaf.op, leaf.args
    if op in ("eq", "ne", "gt", "gte", "lt", "lte"):
        return Prim(f, "value", op, args[0])  # type: ignore[arg-type]
    if op == "between":
        lo_cmp: Literal["gte", "gt"] = "gte" if leaf.inclusive[0] else "gt"
        hi_cmp: Literal["lte", "lt"] = "lte" if leaf.inclusive[1] else "lt"
        return PAll((Prim(f, "value", lo_cmp, args[0]), Prim(f, "value", hi_cmp, args[1])))
    if op == "one_of":
        return PAny(tuple(Prim(f, "value", "eq", a) for a in args))
    if op == "none_of":
        return PAll(tuple(Prim(f, "value", "ne", a) for a in args))
    if op == "exists":
        return Prim(f, "present", "eq", _lit(True))
    if op == "missing":
        return Prim(f, "present", "eq", _lit(False))
    if op == "empty":
        return Prim(f, "count", "eq", _lit(0))
    if op == "not_empty":
        return Prim(f, "count", "gt", _lit(0))
    if op == "contains":
        return Prim(f, "has", "eq", Arg("lit", True, name=str(args[0].value)))
    if op == "not_contains":
        return Prim(f, "has", "eq", Arg("lit", False, name=str(args[0].value)))
    if op == "contains_any":
        return PAny(tuple(Prim(f, "has", "eq", Arg("lit", True, name=str(a.value))) for a in args))
    if op == "within_days":
        return PAll((Prim(f, "days", "gte", _lit(0)), Prim(f, "days", "lte", args[0])))
    if op == "within_last_days":
        neg = Arg(args[0].kind, -args[0].value, args[0].name)
        return PAll((Prim(f, "days", "gte", neg), Prim(f, "days", "lte", _lit(0))))
    if op == "older_than_days":
        neg = Arg(args[0].kind, -args[0].value, args[0].name)
        return Prim(f, "days", "lt", neg)
    if op == "beyond_days":
        return Prim(f, "days", "gt", args[0])
    if op == "past":
        return Prim(f, "days", "lt", _lit(0))
    if op == "not_past":
        return Prim(f, "days", "gte", _lit(0))
    raise ValueError(f"unknown operator {op}")  # the parser never produces one


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


def prim_facts(tree: PCond) -> set[str]:
    if isinstance(tree, Prim):
        out = {tree.fact}
        if tree.arg.kind == "fact" and tree.arg.name:
            out.add(tree.arg.name)
        return out
    result: set[str] = set()
    for item in tree.items:
        result |= prim_facts(item)
    return result


def iter_prims(tree: PCond) -> list[Prim]:
    if isinstance(tree, Prim):
        return [tree]
    out: list[Prim] = []
    for item in tree.items:
        out.extend(iter_prims(item))
    return out


def branch_count(tree: PCond) -> int:
    """How many condition branches durable-rules expands this tree into (its DNF size)."""
    if isinstance(tree, Prim):
        return 1
    if isinstance(tree, PAny):
        return sum(branch_count(t) for t in tree.items) or 1
    total = 1
    for t in tree.items:
        total *= branch_count(t)
    return total


# ---------------------------------------------------------------------------------------------
# Reference evaluation (three-valued)


def comparable(value: Any, as_of: dt.date) -> Any:
    """Dates compare as day ordinals, booleans as text, numbers as floats: exactly as encoded."""
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return float(value)
    return value


def _arg_value(arg: Arg, values: Mapping[str, Any], as_of: dt.date) -> Any:
    if arg.kind == "fact":
        assert arg.name is not None  # the parser always names a fact operand
        raw = as_of if arg.name == "as_of" else values.get(arg.name)
        return None if raw is None else comparable(raw, as_of)
    return comparable(arg.value, as_of)


def _compare(cmp: str, left: Any, right: Any) -> bool:
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


def eval_prim(p: Prim, values: Mapping[str, Any], as_of: dt.date) -> Truth:
    raw = as_of if p.fact == "as_of" else values.get(p.fact)
    if p.key == "present":
        return (raw is not None) == bool(p.arg.value)
    if p.key == "count":
        n = 0 if raw is None else len(raw) if isinstance(raw, (list, tuple, dict, str)) else 1
        return _compare(p.cmp, float(n), float(p.arg.value))
    if raw is None:
        return None
    if p.key == "has":
        return isinstance(raw, (list, tuple)) and (p.arg.name in raw) == bool(p.arg.value)
    if p.key == "days":
        if not isinstance(raw, dt.date):
            return None
        days = float((raw - as_of).days)
        right = _arg_value(p.arg, values, as_of)
        return None if right is None else _compare(p.cmp, days, float(right))
    right = _arg_value(p.arg, values, as_of)
    if right is None:
        return None
    return _compare(p.cmp, comparable(raw, as_of), right)


def eval_pcond(tree: PCond, values: Mapping[str, Any], as_of: dt.date) -> Truth:
    if isinstance(tree, Prim):
        return eval_prim(tree, values, as_of)
    results = [eval_pcond(t, values, as_of) for t in tree.items]
    if isinstance(tree, PAll):
        if any(r is False for r in results):
            return False
        return True if all(r is True for r in results) else None
    if any(r is True for r in results):
        return True
    return False if all(r is False for r in results) else None


def evaluate(cond: Cond, values: Mapping[str, Any], as_of: dt.date) -> Truth:
    """The three-valued truth of a condition."""
    if isinstance(cond, Leaf):
        return eval_pcond(leaf_prims(cond), values, as_of)
    if isinstance(cond, Not):
        inner = evaluate(cond.item, values, as_of)
        return None if inner is None else not inner
    results = [evaluate(c, values, as_of) for c in cond.items]
    if isinstance(cond, All):
        if any(r is False for r in results):
            return False
        return True if all(r is True for r in results) else None
    if any(r is True for r in results):
        return True
    return False if all(r is False for r in results) else None


def unknown_facts(cond: Cond, values: Mapping[str, Any], as_of: dt.date) -> set[str]:
    """The missing facts that make `cond` unknown (empty when it is true or false)."""
    if evaluate(cond, values, as_of) is not None:
        return set()
    out: set[str] = set()
    for leaf in leaves(cond):
        if evaluate(leaf, values, as_of) is None:
            out |= {f for f in leaf.facts() if f != "as_of" and values.get(f) is None}
    return out


# ---------------------------------------------------------------------------------------------
# Parsing

OPERATORS: dict[str, tuple[str, ...]] = {
    # operator -> fact kinds it applies to
    "eq": ("number", "date", "text", "choice", "boolean"),
    "ne": ("number", "date", "text", "choice", "boolean"),
    "gt": ("number", "date"),
    "gte": ("number", "date"),
    "lt": ("number", "date"),
    "lte": ("number", "date"),
    "before": ("date",),
    "after": ("date",),
    "between": ("number", "date"),
    "one_of": ("number", "text", "choice"),
    "none_of": ("number", "text", "choice"),
    "exists": ("number", "date", "text", "choice", "boolean", "list", "mapping"),
    "missing": ("number", "date", "text", "choice", "boolean", "list", "mapping"),
    "empty": ("list", "mapping"),
    "contains": ("list",),
    "not_contains": ("list",),
    "contains_any": ("list",),
    "within_days": ("date",),
    "within_last_days": ("date",),
    "older_than_days": ("date",),
    "beyond_days": ("date",),
    "past": ("date",),
}
_SYMBOLS = {">=": "gte", "<=": "lte", "!=": "ne", "==": "eq", "=": "eq", ">": "gt", "<": "lt"}
# Comparison symbols, longest first: `>=` is tried before `>`.
_CELL_SYMBOLS = (">=", "<=", "!=", "==", "=", ">", "<")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_PERCENT = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*%$")
ANY_CELL = ("-", "any", "")

NUMERIC_PARAMS = ("number", "integer", "fraction", "score", "money", "days")


@dataclass
class ParamRef:
    """What the parser needs to know of a parameter."""

    name: str
    type: str
    value: Any


@dataclass
class ParseContext:
    """What a condition may refer to, where it is, and where to report problems."""

    facts: Mapping[str, FactInfo]  # the facts visible to this condition
    all_facts: Mapping[str, FactInfo]  # every fact (to explain "decided in a later stage")
    params: Mapping[str, ParamRef]
    stage: str
    stage_order: Mapping[str, int]
    location: Callable[[tuple[str | int, ...]], Location]
    problems: list[Problem]
    used_params: set[str] = field(default_factory=set)

    def error(self, path: tuple[str | int, ...], code: str, message: str, suggestion: str | None = None) -> None:
        self.problems.append(Problem(code, message, self.location(path), suggestion))


class _Invalid(Exception):
    """A problem has been recorded; abandon this part of the condition."""


def parse_condition(node: Any, path: tuple[str | int, ...], ctx: ParseContext) -> Cond:
    """Parse a `when:` condition. Problems go to `ctx.problems`; the result is then unusable."""
    try:
        return _parse(node, path, ctx)
    except _Invalid:
        return TRUE


def _parse(node: Any, path: tuple[str | int, ...], ctx: ParseContext) -> Cond:
    if isinstance(node, list):
        return _all_of([_parse(item, (*path, i), ctx) for i, item in enumerate(node)])
    if not isinstance(node, dict) or not node:
        ctx.error(
            path,
            "KR010",
            "a condition is a mapping of facts to tests (relationship.stage: basic), "
            f"or all: / any: / not:, found {_short(node)}",
        )
        raise _Invalid
    items: list[Cond] = []
    failed = False
    for key, value in node.items():
        sub = (*path, key)
        try:
            if key == "all":
                if not isinstance(value, list) or not value:
                    ctx.error(sub, "KR011", "all: takes a non-empty list of conditions")
                    raise _Invalid
                items.append(_all_of([_parse(v, (*sub, i), ctx) for i, v in enumerate(value)]))
            elif key == "any":
                if not isinstance(value, list) or not value:
                    ctx.error(sub, "KR011", "any: takes a non-empty list of conditions")
                    raise _Invalid
                parts = [_parse(v, (*sub, i), ctx) for i, v in enumerate(value)]
                items.append(parts[0] if len(parts) == 1 else AnyOf(tuple(parts)))
            elif key == "not":
                items.append(Not(_parse(value, sub, ctx)))
            else:
                items.append(parse_test(key, value, sub, ctx))
        except _Invalid:
            failed = True
    if failed:
        raise _Invalid
    return _all_of(items)


def _all_of(items: list[Cond]) -> Cond:
    return items[0] if len(items) == 1 else All(tuple(items))


def resolve_fact(name: str, path: tuple[str | int, ...], ctx: ParseContext) -> FactInfo:
    info = ctx.facts.get(name)
    if info is not None:
        return info
    other = ctx.all_facts.get(name)
    if other is not None and other.stage is not None:
        when = ctx.stage_order.get(other.stage, -1)
        here = ctx.stage_order.get(ctx.stage, -1)
        relation = "in this same stage" if when == here else "in a later stage"
        ctx.error(
            path,
            "KR012",
            f"{name} is decided {relation} ({other.stage}); a rule in stage {ctx.stage} can only "
            "read account facts and facts decided in earlier stages",
        )
        raise _Invalid
    ctx.error(path, "KR013", f"unknown fact {name!r}", suggest(name, list(ctx.facts)))
    raise _Invalid


def parse_test(fact: str, value: Any, path: tuple[str | int, ...], ctx: ParseContext) -> Cond:
    """Parse the test on one fact: a value, a list, a cell string or a mapping of operators."""
    info = resolve_fact(fact, path, ctx)
    if isinstance(value, dict):
        if not value:
            ctx.error(path, "KR014", "an empty test; write an operator such as gte: 5")
            raise _Invalid
        parts: list[Cond] = []
        for op, arg in value.items():
            parts.append(_parse_op(fact, info, str(op), arg, (*path, op), ctx))
        return _all_of(parts)
    if isinstance(value, list):
        if info.type.kind == "list":
            return _parse_op(fact, info, "contains_any", value, path, ctx)
        return _parse_op(fact, info, "one_of", value, path, ctx)
    if value is None:
        ctx.error(path, "KR014", f"no test for {fact}; to test that it is absent write missing: true")
        raise _Invalid
    if isinstance(value, str):
        return parse_cell(fact, info, value, path, ctx)
    if info.type.kind == "list":
        return _parse_op(fact, info, "contains", value, path, ctx)
    return _parse_op(fact, info, "eq", value, path, ctx)


def cell_range(cell: str) -> tuple[str, str, str, str] | None:
    """`[lo..hi)` split into its brackets and bounds, or None when the cell is not a range.

    A scan, in time linear in the cell's length: the regular expression it replaces backtracked
    in cubic time on a cell such as `[` + spaces + `1.` + spaces + `x` (an 8 KB cell took over a
    minute to refuse). The bounds are the texts on either side of the first `..`, trimmed; as
    before, neither may be empty or span a line break."""
    cell = cell.strip()
    if len(cell) < 4 or cell[0] not in "[(]" or cell[-1] not in "])[":
        return None
    inner = cell[1:-1].lstrip()
    middle = inner.find("..", 1)
    if middle < 0:
        return None
    lo, hi = inner[:middle].strip(), inner[middle + 2 :].strip()
    if not lo or not hi or "\n" in lo or "\n" in hi:
        return None
    return cell[0], lo, hi, cell[-1]


def cell_comparison(cell: str) -> tuple[str, str] | None:
    """`>= 7` split into its symbol and operand, or None (linear time, as `cell_range`)."""
    cell = cell.strip()
    for symbol in _CELL_SYMBOLS:
        if cell.startswith(symbol):
            operand = cell[len(symbol) :].strip()
            if operand and "\n" not in operand:
                return symbol, operand
    return None


def parse_cell(fact: str, info: FactInfo, text: str, path: tuple[str | int, ...], ctx: ParseContext) -> Cond:
    """A cell as business users write it: `>= 7`, `< limit`, `[3..7)`, `60%`, `basic`, `-`."""
    stripped = text.strip()
    if stripped.lower() in ANY_CELL:
        return TRUE
    bounds = cell_range(stripped)
    if bounds and info.type.kind in ("number", "date"):
        left, lo, hi, right = bounds
        leaf = _parse_op(fact, info, "between", [lo, hi], path, ctx, source=stripped)
        assert isinstance(leaf, Leaf)
        return Leaf(leaf.fact, leaf.op, leaf.args, (left == "[", right == "]"), leaf.where, stripped)
    comparison = cell_comparison(stripped)
    if comparison:
        symbol, operand = comparison
        return _parse_op(fact, info, _SYMBOLS[symbol], operand, path, ctx, source=stripped)
    if info.type.kind == "list":
        return _parse_op(fact, info, "contains", stripped, path, ctx, source=stripped)
    return _parse_op(fact, info, "eq", stripped, path, ctx, source=stripped)


def _parse_op(
    fact: str,
    info: FactInfo,
    op: str,
    raw: Any,
    path: tuple[str | int, ...],
    ctx: ParseContext,
    source: str | None = None,
) -> Cond:
    kinds = OPERATORS.get(op)
    if kinds is None:
        ctx.error(path, "KR015", f"unknown operator {op!r}", suggest(op, list(OPERATORS)))
        raise _Invalid
    kind = info.type.kind
    if kind not in kinds:
        ctx.error(
            path,
            "KR016",
            f"{op} does not apply to {fact}, which is {info.type.describe()}; {op} applies to {', '.join(kinds)} facts",
        )
        raise _Invalid
    where = ctx.location(path)
    shown = source if source is not None else f"{op}: {_short(raw)}"
    if op in ("exists", "missing", "empty", "past"):
        if not isinstance(raw, bool):
            ctx.error(path, "KR017", f"{op} takes true or false, found {_short(raw)}")
            raise _Invalid
        flip = {"exists": "missing", "missing": "exists", "empty": "not_empty", "past": "not_past"}
        return Leaf(fact, op if raw else flip[op], (), where=where, source=shown)
    if op in ("within_days", "within_last_days", "older_than_days", "beyond_days"):
        arg = _parse_days(raw, path, ctx)
        return Leaf(fact, op, (arg,), where=where, source=shown)
    if op == "between":
        if not isinstance(raw, list) or len(raw) != 2:
            ctx.error(path, "KR017", f"between takes [low, high], found {_short(raw)}")
            raise _Invalid
        lo = _parse_arg(raw[0], info, path, ctx)
        hi = _parse_arg(raw[1], info, path, ctx)
        return Leaf(fact, "between", (lo, hi), where=where, source=shown)
    if op in ("one_of", "none_of", "contains_any"):
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            ctx.error(path, "KR017", f"{op} takes a non-empty list")
            raise _Invalid
        parsed: list[Arg] = []
        for i, v in enumerate(items):
            arg = _parse_arg(v, info, (*path, i), ctx, item=op == "contains_any")
            if arg.kind == "param" and isinstance(arg.value, list):
                # A parameter holding several values stands for all of them.
                parsed.extend(Arg("param", x, arg.name) for x in arg.value)
            else:
                parsed.append(arg)
        return Leaf(fact, op, tuple(parsed), where=where, source=shown)
    if op in ("contains", "not_contains"):
        arg = _parse_arg(raw, info, path, ctx, item=True)
        return Leaf(fact, op, (arg,), where=where, source=shown)
    if op in ("before", "after"):
        arg = _parse_arg(raw, info, path, ctx)
        return Leaf(fact, "lt" if op == "before" else "gt", (arg,), where=where, source=shown)
    arg = _parse_arg(raw, info, path, ctx)
    return Leaf(fact, op, (arg,), where=where, source=shown)


def _parse_days(raw: Any, path: tuple[str | int, ...], ctx: ParseContext) -> Arg:
    if isinstance(raw, str) and raw in ctx.params:
        param = ctx.params[raw]
        if param.type not in ("days", "integer", "number"):
            ctx.error(path, "KR018", f"parameter {raw} is a {param.type}; a number of days is expected here")
            raise _Invalid
        ctx.used_params.add(raw)
        return Arg("param", float(param.value), raw)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw < 0:
        known = [n for n, p in ctx.params.items() if p.type == "days"]
        ctx.error(
            path,
            "KR018",
            f"expected a number of days (or a days parameter), found {_short(raw)}",
            suggest(str(raw), known) if isinstance(raw, str) else None,
        )
        raise _Invalid
    return Arg("lit", float(raw))


def _parse_arg(
    raw: Any,
    info: FactInfo,
    path: tuple[str | int, ...],
    ctx: ParseContext,
    item: bool = False,
) -> Arg:
    """An operand for `info`'s fact: checked against its type, percentages and params resolved."""
    kind = info.type.kind
    if item:  # an element of a list fact
        kind = "choice" if info.type.item_kind == "choice" else "text"
    if isinstance(raw, dict):
        if set(raw) == {"fact"} and isinstance(raw["fact"], str):
            other = resolve_fact(raw["fact"], path, ctx)
            if not _same_kind(kind, other.type.kind):
                ctx.error(
                    path,
                    "KR019",
                    f"cannot compare {info.path} ({info.type.describe()}) with {other.path} ({other.type.describe()})",
                )
                raise _Invalid
            return Arg("fact", None, other.path)
        if set(raw) == {"param"} and isinstance(raw["param"], str):
            raw = raw["param"]
            if raw not in ctx.params:
                ctx.error(path, "KR020", f"unknown parameter {raw!r}", suggest(raw, list(ctx.params)))
                raise _Invalid
        else:
            ctx.error(path, "KR017", f"an operand is a value, a parameter name or {{fact: path}}, found {_short(raw)}")
            raise _Invalid
    if isinstance(raw, str) and raw.strip() in ctx.params:
        name = raw.strip()
        param = ctx.params[name]
        _check_param_kind(name, param, kind, info, path, ctx)
        ctx.used_params.add(name)
        return Arg("param", _param_operand(param, kind), name)
    value = _literal(raw, kind)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            ctx.error(
                path,
                "KR019",
                f"{info.path} is {info.type.describe()}; {_short(raw)} is neither a number nor a parameter",
                suggest(str(raw), [n for n, p in ctx.params.items() if p.type in NUMERIC_PARAMS]),
            )
            raise _Invalid
        t = info.type
        if (t.minimum is not None and value < t.minimum) or (t.maximum is not None and value > t.maximum):
            hint = ""
            if t.maximum == 1.0 and 1 < value <= 100:
                hint = f"; a fraction is written {value / 100:g} or '{value:g}%'"
            ctx.error(path, "KR021", f"{_short(raw)} is out of range: {info.path} is {t.describe()}{hint}")
            raise _Invalid
        return Arg("lit", float(value))
    if kind == "date":
        if not isinstance(value, dt.date):
            ctx.error(
                path,
                "KR019",
                f"{info.path} is a date; {_short(raw)} is not a date (write YYYY-MM-DD, a date parameter, "
                "or use within_days / older_than_days for dates relative to the evaluation date)",
            )
            raise _Invalid
        return Arg("lit", value)
    if kind == "choice":
        values = info.type.values
        if not isinstance(value, str) or value not in values:
            ctx.error(
                path,
                "KR022",
                f"{_short(raw)} is not a value of {info.path}; its values are {', '.join(values)}",
                suggest(str(raw), list(values)) if isinstance(raw, str) else None,
            )
            raise _Invalid
        return Arg("lit", value)
    if kind == "boolean":
        if not isinstance(value, bool):
            ctx.error(path, "KR019", f"{info.path} is true or false, found {_short(raw)}")
            raise _Invalid
        return Arg("lit", value)
    if isinstance(value, (dt.date, bool)) or value is None:
        ctx.error(path, "KR019", f"{info.path} is a text; {_short(raw)} is not")
        raise _Invalid
    return Arg("lit", str(value) if not isinstance(value, str) else value)


def _literal(raw: Any, kind: str) -> Any:
    """Interpret a string operand the way a business user means it for this kind of fact."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if kind == "number":
        pct = _PERCENT.match(text)
        if pct:
            return float(pct.group(1)) / 100.0
        if _NUMBER.match(text):
            return float(text)
        return text
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _same_kind(a: str, b: str) -> bool:
    group = {"choice": "text", "text": "text"}
    return group.get(a, a) == group.get(b, b)


def _check_param_kind(
    name: str, param: ParamRef, kind: str, info: FactInfo, path: tuple[str | int, ...], ctx: ParseContext
) -> None:
    ok = (
        (kind == "number" and param.type in NUMERIC_PARAMS)
        or (kind == "date" and param.type == "date")
        or (kind in ("text", "choice") and param.type in ("text", "choice"))
    )
    if not ok:
        ctx.error(
            path,
            "KR018",
            f"parameter {name} is a {param.type}; it cannot be compared with {info.path} ({info.type.describe()})",
        )
        raise _Invalid
    if kind == "choice":
        values = param.value if isinstance(param.value, list) else [param.value]
        bad = [v for v in values if v not in info.type.values]
        if bad:
            ctx.error(path, "KR022", f"parameter {name} holds {bad[0]!r}, not a value of {info.path}")
            raise _Invalid


def _param_operand(param: ParamRef, kind: str) -> Any:
    if kind == "number":
        return float(param.value)
    return param.value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 50 else text[:47] + "..."


def _show_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
