"""Computed facts (`computed:`): a derived number from facts, by one of a fixed set of operations."""

from __future__ import annotations

from typing import Any

from kamrules import codes
from kamrules.i18n.texts import Texts
from kamrules.language import spec as S
from kamrules.language.link import scales
from kamrules.language.link.context import ItemSource, Linker
from kamrules.language.link.outputs import check_target
from kamrules.language.link.parameters import NUMERIC
from kamrules.language.rulebase import Compute
from kamrules.suggest import suggest

KEY = "computed"
# Each operation and the kind of fact it reads (None: any list or mapping, for count).
OPERATIONS: dict[str, str | None] = {
    "ratio": "number",
    "difference": "number",
    "sum": "number",
    "days_since": "date",
    "days_until": "date",
    "years_since": "date",
    "count": None,
    "count_where": "list",
    "product": "number",
}
# The operations whose result is a whole number (a count, a number of days).
WHOLE = ("count", "count_where", "days_since", "days_until")


def specs(ruleset: S.RulesetFile) -> list[S.ComputeSpec]:
    return ruleset.computed or []


def _operation(spec: S.ComputeSpec) -> dict[str, Any]:
    given = {
        "ratio": spec.ratio,
        "difference": spec.difference,
        "sum": spec.sum,
        "days_since": spec.days_since,
        "days_until": spec.days_until,
        "years_since": spec.years_since,
        "count": spec.count,
        "count_where": spec.count_where,
        "product": spec.product,
        "scale": spec.scale,
        "minimum": spec.minimum,
        "maximum": spec.maximum,
    }
    return {op: arg for op, arg in given.items() if arg is not None}


def link(lk: Linker, item: ItemSource[S.ComputeSpec]) -> Compute | None:
    f, base, c, stage = item.file, item.path, item.spec, item.stage
    ops = _operation(c)
    if len(ops) != 1:
        every = ", ".join([*OPERATIONS, *scales.OPERATIONS])
        lk.error(f, base, codes.COMPUTATION, f"a computed fact takes exactly one of {every}")
        return None
    ((op, arg),) = ops.items()
    if op in scales.OPERATIONS:
        return _link_scale(lk, item, op, arg)
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    factor = 1.0
    factor_params: list[str] = []
    if op == "count_where":
        names = [arg.list_]
        filters = tuple((k, tuple(v)) for k, v in arg.where.items())
    elif op == "product":
        folded = _fold_parameters(lk, item, arg)
        if folded is None:
            return None
        names, factor, factor_params = folded
    else:
        names = list(arg) if isinstance(arg, list) else [arg]
    ok = _check_operands(lk, item, op, names)
    if check_target(lk, f, (*base, "sets"), c.sets, stage) is None or not ok:
        return None
    if op in WHOLE:
        lk.whole_facts.add(c.sets)
    return Compute(
        id=c.id,
        ruleset=item.ruleset,
        stage=stage,
        description=Texts.of(c.description),
        sets=c.sets,
        op=op,
        args=tuple(names),
        filters=filters,
        where=f.doc.location(base),
        order=lk.next_order(),
        factor=factor,
        factor_params=tuple(factor_params),
    )


def _link_scale(lk: Linker, item: ItemSource[S.ComputeSpec], op: str, arg: Any) -> Compute | None:
    """A scale, a minimum or a maximum (kamrules.language.link.scales checks them)."""
    f, base, c, stage = item.file, item.path, item.spec, item.stage
    ctx = lk.parse_context(f, stage)
    target = lk.derived.get(c.sets)
    names: tuple[str, ...] = ()
    points: tuple[tuple[float, float], ...] = ()
    point_params: tuple[tuple[str, str], ...] = ()
    item_field = ""
    if op == "scale":
        scale = scales.parse_scale(arg, (*base, op), ctx, target.type if target else None)
        if scale is not None:
            names, points, point_params = (scale.fact,), scale.points, scale.params
    else:
        pair = scales.parse_list_field(arg, (*base, op), ctx, lk.input_model)
        if pair is not None:
            names, item_field = (pair[0],), pair[1]
    if check_target(lk, f, (*base, "sets"), c.sets, stage) is None or not names:
        return None
    return Compute(
        id=c.id,
        ruleset=item.ruleset,
        stage=stage,
        description=Texts.of(c.description),
        sets=c.sets,
        op=op,
        args=names,
        filters=(),
        where=f.doc.location(base),
        order=lk.next_order(),
        points=points,
        point_params=point_params,
        item_field=item_field,
    )


def _fold_parameters(
    lk: Linker, item: ItemSource[S.ComputeSpec], arg: list[str]
) -> tuple[list[str], float, list[str]] | None:
    """product: parameters are constants, folded into one factor now, so evaluation reads facts only."""
    names: list[str] = []
    factor = 1.0
    factor_params: list[str] = []
    for k, name in enumerate(arg):
        param = lk.params.get(name)
        if param is None:
            names.append(name)
        elif param.type in NUMERIC:
            factor *= float(param.value)
            factor_params.append(name)
        else:
            lk.error(
                item.file,
                (*item.path, "product", k),
                codes.TYPE_MISMATCH,
                f"product needs numbers; parameter {name} is a {param.type}",
            )
            return None
    if not names:
        lk.error(item.file, (*item.path, "product"), codes.COMPUTATION, "product needs at least one fact")
        return None
    return names, factor, factor_params


def _check_operands(lk: Linker, item: ItemSource[S.ComputeSpec], op: str, names: list[str]) -> bool:
    f, path = item.file, (*item.path, op)
    ctx = lk.parse_context(f, item.stage)
    want = OPERATIONS[op]
    ok = True
    if op in ("ratio", "difference") and len(names) != 2:
        lk.error(f, path, codes.COMPUTATION, f"{op} takes two facts")
        ok = False
    for n in names:
        info = ctx.facts.get(n)
        if info is None:
            lk.error(f, path, codes.UNKNOWN_FACT, f"unknown fact {n!r}", suggest(n, list(ctx.facts)))
            ok = False
        elif want is not None and info.type.kind != want:
            lk.error(f, path, codes.TYPE_MISMATCH, f"{op} needs {want} facts; {n} is {info.type.describe()}")
            ok = False
        elif op == "count" and info.type.kind not in ("list", "mapping"):
            lk.error(f, path, codes.TYPE_MISMATCH, f"count needs a list; {n} is {info.type.describe()}")
            ok = False
    return ok
