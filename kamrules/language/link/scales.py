"""Computed facts that carry more than fact names (`computed:`): `scale` (a number turned into a
score through points) and `minimum` / `maximum` (over a numeric field of a list's records).

Every problem is reported where it is written: KR013 an unknown fact, KR019 a fact or parameter
of the wrong type, KR020 an unknown parameter, KR028 a score outside the range of the fact it
sets, KR034 a scale whose points do not increase, KR043 an unknown field of a list's records.
Parameters are replaced by their values here, after any `kind: overrides` file changed them, so
that evaluation reads facts only (kamrules.engine.compute.scale_value); which parameter gave each
number is kept for the trace.
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from kamrules import codes
from kamrules.language import spec as S
from kamrules.language.conditions.context import ParseContext, Path
from kamrules.language.link.parameters import NUMERIC
from kamrules.model.catalog import FactType
from kamrules.model.numbers import NUMBER, PERCENT
from kamrules.suggest import suggest

# The operations of this module (the others are in kamrules.language.link.computed).
OPERATIONS = ("scale", "minimum", "maximum")


@dataclass(frozen=True)
class Scale:
    fact: str
    points: tuple[tuple[float, float], ...]
    params: tuple[tuple[str, str], ...]  # the parameter behind each value and score, "" if none


def _number(raw: float | str, path: Path, ctx: ParseContext) -> tuple[float, str] | None:
    """A point's value or score: a number, a percentage or a numeric parameter."""
    if isinstance(raw, bool):
        ctx.error(path, codes.TYPE_MISMATCH, f"a point holds numbers, found {raw!r}")
        return None
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            ctx.error(path, codes.TYPE_MISMATCH, "a point holds finite numbers")
            return None
        return float(raw), ""
    text = raw.strip()
    percent = PERCENT.match(text)
    if percent:
        return float(percent.group(1)) / 100.0, ""
    if NUMBER.match(text):
        return float(text), ""
    param = ctx.params.get(text)
    if param is None:
        message = f"unknown parameter {text!r} (a point holds numbers or parameters)"
        ctx.error(path, codes.UNKNOWN_PARAMETER, message, suggest(text, list(ctx.params)))
        return None
    if param.type not in NUMERIC:
        ctx.error(path, codes.TYPE_MISMATCH, f"a point holds numbers; parameter {text} is a {param.type}")
        return None
    ctx.used_params.add(text)
    return float(param.value), text


def parse_scale(spec: S.ScaleSpec, base: Path, ctx: ParseContext, target: FactType | None) -> Scale | None:
    """The scale's fact, its points (parameters resolved) and their parameters; None after a problem."""
    ok = True
    info = ctx.facts.get(spec.fact)
    if info is None:
        ctx.error(
            (*base, "fact"), codes.UNKNOWN_FACT, f"unknown fact {spec.fact!r}", suggest(spec.fact, list(ctx.facts))
        )
        ok = False
    elif info.type.kind != "number":
        ctx.error((*base, "fact"), codes.TYPE_MISMATCH, f"scale needs a number; {spec.fact} is {info.type.describe()}")
        ok = False
    points: list[tuple[float, float]] = []
    names: list[tuple[str, str]] = []
    for k, (raw_value, raw_score) in enumerate(spec.points):
        value = _number(raw_value, (*base, "points", k, 0), ctx)
        score = _number(raw_score, (*base, "points", k, 1), ctx)
        if value is None or score is None:
            ok = False
            continue
        if target is not None and not _within(score[0], target):
            low, high = target.minimum, target.maximum
            ctx.error(
                (*base, "points", k, 1),
                codes.OUTPUT_VALUE,
                f"score {score[0]:g}{_of(score[1])} is outside the range of the fact it sets "
                f"({'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'})",
            )
            ok = False
        if points and value[0] <= points[-1][0]:
            before = f"{points[-1][0]:g}{_of(names[-1][0])}"
            ctx.error(
                (*base, "points", k, 0),
                codes.COMPUTATION,
                f"the points' values must increase: {value[0]:g}{_of(value[1])} is not above {before}",
            )
            ok = False
        points.append((value[0], score[0]))
        names.append((value[1], score[1]))
    if not ok:
        return None
    return Scale(spec.fact, tuple(points), tuple(names))


def _of(param: str) -> str:
    return f" ({param})" if param else ""


def _within(score: float, target: FactType) -> bool:
    return (target.minimum is None or score >= target.minimum) and (target.maximum is None or score <= target.maximum)


def parse_list_field(
    spec: S.ListFieldSpec, base: Path, ctx: ParseContext, model: type[BaseModel]
) -> tuple[str, str] | None:
    """The list fact and the numeric field of its records, both checked; None after a problem."""
    info = ctx.facts.get(spec.list_)
    if info is None:
        ctx.error(
            (*base, "list"), codes.UNKNOWN_FACT, f"unknown fact {spec.list_!r}", suggest(spec.list_, list(ctx.facts))
        )
        return None
    if info.type.kind != "list" or info.type.item_kind != "object":
        ctx.error(
            (*base, "list"), codes.TYPE_MISMATCH, f"needs a list of records; {spec.list_} is {info.type.describe()}"
        )
        return None
    fields = record_fields(model, spec.list_)
    if fields is not None:
        kind = fields.get(spec.field)
        if kind is None:
            ctx.error(
                (*base, "field"),
                codes.UNKNOWN_RECORD_FIELD,
                f"the records of {spec.list_} have no field {spec.field!r} (they have {', '.join(fields)})",
                suggest(spec.field, list(fields)),
            )
            return None
        if kind != "number":
            ctx.error(
                (*base, "field"),
                codes.TYPE_MISMATCH,
                f"needs a numeric field; {spec.list_}'s {spec.field} is not a number",
            )
            return None
    return spec.list_, spec.field


def record_fields(model: type[BaseModel], path: str) -> dict[str, str] | None:
    """Field -> "number" or "other" of the records of the list at `path` in `model`; None when the
    list is not found there (a derived list: its records cannot be checked at load time)."""
    current: Any = model
    for part in path.split("."):
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current = _unwrap(current.model_fields[part].annotation)
    if typing.get_origin(current) is not list:
        return None
    (item,) = typing.get_args(current)
    item = _unwrap(item)
    if not (isinstance(item, type) and issubclass(item, BaseModel)):
        return None
    return {
        name: "number" if _unwrap(f.annotation) in (int, float) else "other" for name, f in item.model_fields.items()
    }


def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation
