"""The operators of the ruleset language: the one registry of them.

Each operator says which kinds of fact it applies to and what its operand is. The parser
(`conditions.parse`) checks a test against this registry; each operator's meaning is written
once per layer, keyed by its name: the reference evaluation (`conditions.evaluate.TESTS`), the
lowering to durable-rules (`kamrules.engine.lower.LOWERINGS`) and the words that explain it
(the catalogs' `explain` section). tests/language/test_operators.py keeps the four in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from kamrules.model.catalog import Kind

# What an operator is given: a value, two (between), a list of values, true or false (a flag:
# false means the opposite operator), a number of days, an item of a list fact, or several.
Operand = Literal["value", "pair", "values", "flag", "days", "item", "items"]

_SCALARS: Final[tuple[Kind, ...]] = ("number", "date", "text", "choice", "boolean")
_ANY: Final[tuple[Kind, ...]] = (*_SCALARS, "list", "mapping")


@dataclass(frozen=True, kw_only=True, slots=True)
class Operator:
    """One operator: its name, the kinds of fact it applies to, its operand, and what it means."""

    name: str
    applies_to: tuple[Kind, ...]
    operand: Operand
    means: str
    opposite: str | None = None  # a flag operator given false: the operator it stands for then
    same_as: str | None = None  # a synonym: the operator a test with it becomes (before is lt)
    written: bool = True  # False: only the parser produces it (from a flag given false)


def _op(
    name: str,
    applies_to: tuple[Kind, ...],
    operand: Operand,
    means: str,
    *,
    opposite: str | None = None,
    same_as: str | None = None,
    written: bool = True,
) -> Operator:
    return Operator(
        name=name,
        applies_to=applies_to,
        operand=operand,
        means=means,
        opposite=opposite,
        same_as=same_as,
        written=written,
    )


OPERATORS: Final[dict[str, Operator]] = {
    op.name: op
    for op in (
        _op("eq", _SCALARS, "value", "equal to the operand"),
        _op("ne", _SCALARS, "value", "given, and not equal to the operand"),
        _op("gt", ("number", "date"), "value", "more than (later than) the operand"),
        _op("gte", ("number", "date"), "value", "at least the operand"),
        _op("lt", ("number", "date"), "value", "less than (earlier than) the operand"),
        _op("lte", ("number", "date"), "value", "at most the operand"),
        _op("before", ("date",), "value", "a date before the operand", same_as="lt"),
        _op("after", ("date",), "value", "a date after the operand", same_as="gt"),
        _op("between", ("number", "date"), "pair", "from the first operand to the second, both included"),
        _op("one_of", ("number", "text", "choice"), "values", "equal to one of the operands"),
        _op("none_of", ("number", "text", "choice"), "values", "given, and equal to none of the operands"),
        _op("exists", _ANY, "flag", "given (true) or not (false)", opposite="missing"),
        _op("missing", _ANY, "flag", "not given (true) or given (false)", opposite="exists"),
        _op("empty", ("list", "mapping"), "flag", "without items (not given counts as empty)", opposite="not_empty"),
        _op("not_empty", ("list", "mapping"), "flag", "with at least one item", opposite="empty", written=False),
        _op("contains", ("list",), "item", "a list holding the operand"),
        _op("not_contains", ("list",), "item", "a list given, not holding the operand"),
        _op("contains_any", ("list",), "items", "a list holding at least one of the operands"),
        _op("within_days", ("date",), "days", "a date from the evaluation date to that many days after it"),
        _op("within_last_days", ("date",), "days", "a date from that many days before the evaluation date to it"),
        _op("older_than_days", ("date",), "days", "a date more than that many days before the evaluation date"),
        _op("beyond_days", ("date",), "days", "a date more than that many days after the evaluation date"),
        _op("past", ("date",), "flag", "a date before the evaluation date", opposite="not_past"),
        _op("not_past", ("date",), "flag", "a date on or after the evaluation date", opposite="past", written=False),
    )
}
# What a user may write after a fact (the others only come out of the parser).
WRITTEN: Final[tuple[str, ...]] = tuple(name for name, op in OPERATORS.items() if op.written)
# What a parsed test (a `Leaf`) can hold: every operator but the synonyms.
IN_LEAVES: Final[tuple[str, ...]] = tuple(name for name, op in OPERATORS.items() if op.same_as is None)
# The comparisons a table cell may start with: `>= 7`, `!= basic`.
CELL_SYMBOLS: Final[dict[str, str]] = {
    ">=": "gte",
    "<=": "lte",
    "!=": "ne",
    "==": "eq",
    "=": "eq",
    ">": "gt",
    "<": "lt",
}
