"""Parsing conditions: the `when:` of rules and the cells of decision tables.

Parsing turns what a business user wrote (`relationship.stage: [exploratory, basic]`,
`">= contribution_cutline"`, `"[3..7)"`) into the tree of `kamrules.language.conditions.tree`,
checked against the facts catalog and the parameters. Every problem is recorded in the
`ParseContext` with its location; the part of the condition that has one is abandoned.
"""

from __future__ import annotations

from typing import Any

from kamrules import codes
from kamrules.language.conditions.context import InvalidCondition, ParseContext, Path, resolve_fact, short
from kamrules.language.conditions.operands import parse_arg, parse_days
from kamrules.language.conditions.tree import TRUE, All, AnyOf, Arg, Cond, Leaf, Not
from kamrules.language.operators import CELL_SYMBOLS, OPERATORS, WRITTEN
from kamrules.model.catalog import FactInfo
from kamrules.suggest import suggest

ANY_CELL = ("-", "any", "")
# The comparison symbols, longest first: `>=` is tried before `>`.
_CELL_SYMBOLS_LONGEST_FIRST = tuple(sorted(CELL_SYMBOLS, key=len, reverse=True))


def parse_condition(node: Any, path: Path, ctx: ParseContext) -> Cond | None:
    """Parse a `when:` condition; None when it has problems (each one is in `ctx.problems`)."""
    try:
        return _parse(node, path, ctx)
    except InvalidCondition:
        return None


def _parse(node: Any, path: Path, ctx: ParseContext) -> Cond:
    if isinstance(node, list):
        return _all_of([_parse(item, (*path, i), ctx) for i, item in enumerate(node)])
    if not isinstance(node, dict) or not node:
        ctx.error(
            path,
            codes.NOT_A_CONDITION,
            "a condition is a mapping of facts to tests (relationship.stage: basic), "
            f"or all: / any: / not:, found {short(node)}",
        )
        raise InvalidCondition
    items: list[Cond] = []
    failed = False
    for key, value in node.items():
        try:
            items.append(_parse_entry(key, value, (*path, key), ctx))
        except InvalidCondition:
            failed = True
    if failed:
        raise InvalidCondition
    return _all_of(items)


def _parse_entry(key: str, value: Any, path: Path, ctx: ParseContext) -> Cond:
    """One entry of a condition mapping: all:, any:, not:, or a test on the fact `key`."""
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            ctx.error(path, codes.EMPTY_GROUP, f"{key}: takes a non-empty list of conditions")
            raise InvalidCondition
        parts = [_parse(v, (*path, i), ctx) for i, v in enumerate(value)]
        if key == "all":
            return _all_of(parts)
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))
    if key == "not":
        return Not(_parse(value, path, ctx))
    return parse_test(key, value, path, ctx)


def _all_of(items: list[Cond]) -> Cond:
    return items[0] if len(items) == 1 else All(tuple(items))


def parse_test(fact: str, value: Any, path: Path, ctx: ParseContext) -> Cond:
    """Parse the test on one fact: a value, a list, a cell string or a mapping of operators."""
    info = resolve_fact(fact, path, ctx)
    if isinstance(value, dict):
        if not value:
            ctx.error(path, codes.NO_TEST, "an empty test; write an operator such as gte: 5")
            raise InvalidCondition
        parts: list[Cond] = []
        for op, arg in value.items():
            parts.append(_parse_op(fact, info, str(op), arg, (*path, op), ctx))
        return _all_of(parts)
    if isinstance(value, list):
        if info.type.kind == "list":
            return _parse_op(fact, info, "contains_any", value, path, ctx)
        return _parse_op(fact, info, "one_of", value, path, ctx)
    if value is None:
        ctx.error(path, codes.NO_TEST, f"no test for {fact}; to test that it is absent write missing: true")
        raise InvalidCondition
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
    for symbol in _CELL_SYMBOLS_LONGEST_FIRST:
        if cell.startswith(symbol):
            operand = cell[len(symbol) :].strip()
            if operand and "\n" not in operand:
                return symbol, operand
    return None


def parse_cell(fact: str, info: FactInfo, text: str, path: Path, ctx: ParseContext) -> Cond:
    """A cell as business users write it: `>= 7`, `< limit`, `[3..7)`, `60%`, `basic`, `-`."""
    stripped = text.strip()
    if stripped.lower() in ANY_CELL:
        return TRUE
    bounds = cell_range(stripped)
    if bounds and info.type.kind in ("number", "date"):
        left, lo, hi, right = bounds
        leaf = _parse_op(fact, info, "between", [lo, hi], path, ctx, source=stripped)
        if not isinstance(leaf, Leaf):  # pragma: no cover - between always gives one leaf
            raise TypeError("between parsed into more than one leaf")
        return Leaf(leaf.fact, leaf.op, leaf.args, (left == "[", right == "]"), leaf.where, stripped)
    comparison = cell_comparison(stripped)
    if comparison:
        symbol, operand = comparison
        return _parse_op(fact, info, CELL_SYMBOLS[symbol], operand, path, ctx, source=stripped)
    if info.type.kind == "list":
        return _parse_op(fact, info, "contains", stripped, path, ctx, source=stripped)
    return _parse_op(fact, info, "eq", stripped, path, ctx, source=stripped)


def _parse_op(
    fact: str,
    info: FactInfo,
    op: str,
    raw: Any,
    path: Path,
    ctx: ParseContext,
    source: str | None = None,
) -> Cond:
    """One operator applied to `fact` with the operand(s) `raw`, as a leaf."""
    if op not in WRITTEN:
        ctx.error(path, codes.UNKNOWN_OPERATOR, f"unknown operator {op!r}", suggest(op, list(WRITTEN)))
        raise InvalidCondition
    kinds = OPERATORS[op].applies_to
    kind = info.type.kind
    if kind not in kinds:
        ctx.error(
            path,
            codes.OPERATOR_KIND,
            f"{op} does not apply to {fact}, which is {info.type.describe()}; {op} applies to {', '.join(kinds)} facts",
        )
        raise InvalidCondition
    where = ctx.location(path)
    shown = source if source is not None else f"{op}: {short(raw)}"
    op, args = _operands(op, raw, info, path, ctx)
    return Leaf(fact, op, args, where=where, source=shown)


def _operands(op: str, raw: Any, info: FactInfo, path: Path, ctx: ParseContext) -> tuple[str, tuple[Arg, ...]]:
    """The leaf's operator (flags and synonyms resolved) and its operands, by the operand the
    registry says the operator takes."""
    operator = OPERATORS[op]
    shape = operator.operand
    if shape == "flag":
        if not isinstance(raw, bool):
            ctx.error(path, codes.OPERAND_SHAPE, f"{op} takes true or false, found {short(raw)}")
            raise InvalidCondition
        return (op if raw or operator.opposite is None else operator.opposite), ()
    if shape == "days":
        return op, (parse_days(raw, path, ctx),)
    if shape == "pair":
        if not isinstance(raw, list) or len(raw) != 2:
            ctx.error(path, codes.OPERAND_SHAPE, f"{op} takes [low, high], found {short(raw)}")
            raise InvalidCondition
        return op, (parse_arg(raw[0], info, path, ctx), parse_arg(raw[1], info, path, ctx))
    if shape in ("values", "items"):
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            ctx.error(path, codes.OPERAND_SHAPE, f"{op} takes a non-empty list")
            raise InvalidCondition
        parsed: list[Arg] = []
        for i, v in enumerate(items):
            arg = parse_arg(v, info, (*path, i), ctx, item=shape == "items")
            if arg.kind == "param" and isinstance(arg.value, list):
                # A parameter holding several values stands for all of them.
                parsed.extend(Arg("param", x, arg.name) for x in arg.value)
            else:
                parsed.append(arg)
        return op, tuple(parsed)
    arg = parse_arg(raw, info, path, ctx, item=shape == "item")
    return (operator.same_as or op), (arg,)
