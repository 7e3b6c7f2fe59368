"""The operands of a test: a literal checked against the fact's type, a parameter, another fact.

Business users write operands as they would on paper: `60%` for a fraction, `1e5`, a date as
`2026-01-31`, the name of a parameter (`contribution_cutline`), or `{fact: other.fact}`. Each is
turned into an `Arg` here, checked against the type of the fact it is compared with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kamrules import codes
from kamrules.language.conditions.context import InvalidCondition, ParamRef, ParseContext, Path, resolve_fact, short
from kamrules.language.conditions.tree import Arg
from kamrules.model.catalog import FactInfo
from kamrules.model.numbers import NUMBER, PERCENT
from kamrules.suggest import suggest

NUMERIC_PARAMS = ("number", "integer", "fraction", "score", "money", "days")


def parse_days(raw: Any, path: Path, ctx: ParseContext) -> Arg:
    """A number of days: a whole or decimal number of at least 0, or a days parameter."""
    if isinstance(raw, str) and raw in ctx.params:
        param = ctx.params[raw]
        if param.type not in ("days", "integer", "number"):
            ctx.error(path, codes.DAYS, f"parameter {raw} is a {param.type}; a number of days is expected here")
            raise InvalidCondition
        ctx.used_params.add(raw)
        return Arg("param", float(param.value), raw)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw < 0:
        known = [n for n, p in ctx.params.items() if p.type == "days"]
        ctx.error(
            path,
            codes.DAYS,
            f"expected a number of days (or a days parameter), found {short(raw)}",
            suggest(str(raw), known) if isinstance(raw, str) else None,
        )
        raise InvalidCondition
    return Arg("lit", float(raw))


def parse_arg(
    raw: Any,
    info: FactInfo,
    path: Path,
    ctx: ParseContext,
    item: bool = False,
) -> Arg:
    """An operand for `info`'s fact: checked against its type, percentages and params resolved.
    With `item`, the operand is an element of a list fact (contains, contains_any)."""
    kind = info.type.kind
    if item:
        kind = "choice" if info.type.item_kind == "choice" else "text"
    if isinstance(raw, dict):
        named = _named_operand(raw, kind, info, path, ctx)
        if isinstance(named, Arg):
            return named
        raw = named
    if isinstance(raw, str) and raw.strip() in ctx.params:
        name = raw.strip()
        param = ctx.params[name]
        _check_param_kind(name, param, kind, info, path, ctx)
        ctx.used_params.add(name)
        return Arg("param", float(param.value) if kind == "number" else param.value, name)
    return _literal_arg(raw, kind, info, path, ctx)


def _named_operand(raw: dict[Any, Any], kind: str, info: FactInfo, path: Path, ctx: ParseContext) -> Arg | str:
    """`{fact: other.fact}` as an `Arg`, or `{param: name}` as the parameter's name."""
    if set(raw) == {"fact"} and isinstance(raw["fact"], str):
        other = resolve_fact(raw["fact"], path, ctx)
        if not _same_kind(kind, other.type.kind):
            ctx.error(
                path,
                codes.TYPE_MISMATCH,
                f"cannot compare {info.path} ({info.type.describe()}) with {other.path} ({other.type.describe()})",
            )
            raise InvalidCondition
        return Arg("fact", None, other.path)
    if set(raw) == {"param"} and isinstance(raw["param"], str):
        name: str = raw["param"]
        if name not in ctx.params:
            ctx.error(path, codes.UNKNOWN_PARAMETER, f"unknown parameter {name!r}", suggest(name, list(ctx.params)))
            raise InvalidCondition
        return name
    ctx.error(
        path, codes.OPERAND_SHAPE, f"an operand is a value, a parameter name or {{fact: path}}, found {short(raw)}"
    )
    raise InvalidCondition


def _literal_arg(raw: Any, kind: str, info: FactInfo, path: Path, ctx: ParseContext) -> Arg:
    value = literal(raw, kind)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            ctx.error(
                path,
                codes.TYPE_MISMATCH,
                f"{info.path} is {info.type.describe()}; {short(raw)} is neither a number nor a parameter",
                suggest(str(raw), [n for n, p in ctx.params.items() if p.type in NUMERIC_PARAMS]),
            )
            raise InvalidCondition
        t = info.type
        if (t.minimum is not None and value < t.minimum) or (t.maximum is not None and value > t.maximum):
            hint = ""
            if t.maximum == 1.0 and 1 < value <= 100:
                hint = f"; a fraction is written {value / 100:g} or '{value:g}%'"
            ctx.error(path, codes.OUT_OF_RANGE, f"{short(raw)} is out of range: {info.path} is {t.describe()}{hint}")
            raise InvalidCondition
        return Arg("lit", float(value))
    if kind == "date":
        if not isinstance(value, dt.date):
            ctx.error(
                path,
                codes.TYPE_MISMATCH,
                f"{info.path} is a date; {short(raw)} is not a date (write YYYY-MM-DD, a date parameter, "
                "or use within_days / older_than_days for dates relative to the evaluation date)",
            )
            raise InvalidCondition
        return Arg("lit", value)
    if kind == "choice":
        values = info.type.values
        if not isinstance(value, str) or value not in values:
            ctx.error(
                path,
                codes.NOT_A_VALUE,
                f"{short(raw)} is not a value of {info.path}; its values are {', '.join(values)}",
                suggest(str(raw), list(values)) if isinstance(raw, str) else None,
            )
            raise InvalidCondition
        return Arg("lit", value)
    if kind == "boolean":
        if not isinstance(value, bool):
            ctx.error(path, codes.TYPE_MISMATCH, f"{info.path} is true or false, found {short(raw)}")
            raise InvalidCondition
        return Arg("lit", value)
    if isinstance(value, (dt.date, bool)) or value is None:
        ctx.error(path, codes.TYPE_MISMATCH, f"{info.path} is a text; {short(raw)} is not")
        raise InvalidCondition
    return Arg("lit", str(value) if not isinstance(value, str) else value)


def literal(raw: Any, kind: str) -> Any:
    """Interpret a string operand the way a business user means it for this kind of fact."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if kind == "number":
        pct = PERCENT.match(text)
        if pct:
            return float(pct.group(1)) / 100.0
        if NUMBER.match(text):
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


def _check_param_kind(name: str, param: ParamRef, kind: str, info: FactInfo, path: Path, ctx: ParseContext) -> None:
    ok = (
        (kind == "number" and param.type in NUMERIC_PARAMS)
        or (kind == "date" and param.type == "date")
        or (kind in ("text", "choice") and param.type in ("text", "choice"))
    )
    if not ok:
        ctx.error(
            path,
            codes.DAYS,
            f"parameter {name} is a {param.type}; it cannot be compared with {info.path} ({info.type.describe()})",
        )
        raise InvalidCondition
    if kind == "choice":
        values = param.value if isinstance(param.value, list) else [param.value]
        bad = [v for v in values if v not in info.type.values]
        if bad:
            ctx.error(path, codes.NOT_A_VALUE, f"parameter {name} holds {bad[0]!r}, not a value of {info.path}")
            raise InvalidCondition
