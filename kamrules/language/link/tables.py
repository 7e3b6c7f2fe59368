"""Decision tables (`tables:`): rows of cells over named inputs, setting outputs, with a hit policy."""

from __future__ import annotations

import contextlib
from typing import Any

from kamrules import codes
from kamrules.i18n.texts import Texts
from kamrules.language import spec as S
from kamrules.language.conditions.context import InvalidCondition, ParseContext, resolve_fact
from kamrules.language.conditions.parse import parse_test
from kamrules.language.conditions.tree import TRUE, All, Cond
from kamrules.language.link.context import ItemSource, Linker, Path
from kamrules.language.link.outputs import check_output, check_target
from kamrules.language.rulebase import OutputValue, Row, Table
from kamrules.suggest import suggest

KEY = "tables"


def specs(ruleset: S.RulesetFile) -> list[S.TableSpec]:
    return ruleset.tables or []


def link(lk: Linker, item: ItemSource[S.TableSpec]) -> Table | None:
    f, base, t, stage = item.file, item.path, item.spec, item.stage
    ctx = lk.parse_context(f, stage)
    ok = True
    for alias, fact in t.inputs.items():
        if fact not in ctx.facts:
            with contextlib.suppress(InvalidCondition):  # reported in the context
                resolve_fact(fact, (*base, "inputs", alias), ctx)
            ok = False
    clash = set(t.inputs) & set(t.outputs)
    if clash:
        lk.error(
            f, (*base, "outputs"), codes.INPUT_AND_OUTPUT, f"{', '.join(sorted(clash))} is both an input and an output"
        )
        ok = False
    if not ok:
        return None
    rows: list[Row] = []
    seen: set[str] = set()
    for r, raw in enumerate(t.rows):
        row = _row(lk, item, ctx, r, raw, seen)
        if row is not None:
            rows.append(row)
    for k, o in enumerate(t.outputs):
        check_target(lk, f, (*base, "outputs", k), o, stage)
    if not rows:
        return None
    return Table(
        id=t.id,
        ruleset=item.ruleset,
        stage=stage,
        description=Texts.of(t.description),
        hit_policy=t.hit_policy,
        inputs=dict(t.inputs),
        outputs=tuple(t.outputs),
        rows=tuple(rows),
        where=f.doc.location(base),
        order=lk.next_order(),
    )


def _row(
    lk: Linker, item: ItemSource[S.TableSpec], ctx: ParseContext, index: int, raw: Any, seen: set[str]
) -> Row | None:
    """Row `index` of the table: its cells parsed as tests on the inputs, its outputs checked."""
    f, t = item.file, item.spec
    rpath = (*item.path, "rows", index)
    if not isinstance(raw, dict):
        lk.error(f, rpath, codes.BAD_ROW, "a row is a mapping of input columns and outputs")
        return None
    row_id = str(raw.get("id", index + 1))
    if row_id in seen:
        lk.error(f, (*rpath, "id"), codes.BAD_ROW, f"row id {row_id!r} is used twice in table {t.id}")
    seen.add(row_id)
    cells: list[Cond] = []
    outputs: dict[str, OutputValue] = {}
    row_ok = True
    priority = 0
    because = Texts()
    for key, value in raw.items():
        if key == "id":
            continue
        if key == "priority":
            if isinstance(value, bool) or not isinstance(value, int):
                lk.error(f, (*rpath, key), codes.BAD_ROW, "priority is a whole number")
            else:
                priority = value
        elif key in ("because", "description"):
            because = _because(value)
        elif key in t.inputs:
            cell = _cell(lk, item, ctx, (*rpath, key), t.inputs[key], value)
            if cell is None:
                row_ok = False
            else:
                cells.append(cell)
        elif key in t.outputs:
            out = _output(lk, item, (*rpath, key), key, value)
            if out is None:
                row_ok = False
            else:
                outputs[key] = out
        else:
            _unknown_column(lk, item, (*rpath, key), key)
            row_ok = False
    if not outputs and row_ok:
        lk.error(f, rpath, codes.BAD_ROW, f"row {row_id} sets no output")
        row_ok = False
    if not row_ok:
        return None
    cond: Cond = cells[0] if len(cells) == 1 else All(tuple(c for c in cells if c != TRUE))
    where = f.doc.location(rpath)
    return Row(id=row_id, index=index, when=cond, outputs=outputs, priority=priority, because=because, where=where)


def _unknown_column(lk: Linker, item: ItemSource[S.TableSpec], path: Path, key: str) -> None:
    t = item.spec
    lk.error(
        item.file,
        path,
        codes.UNKNOWN_COLUMN,
        f"{key!r} is neither an input column ({', '.join(t.inputs)}) "
        f"nor an output ({', '.join(t.outputs)}) of table {t.id}",
        suggest(key, [*t.inputs, *t.outputs, "id", "priority", "because"]),
    )


def _because(value: Any) -> Texts:
    if isinstance(value, str):
        return Texts.of(value)
    if isinstance(value, dict):
        return Texts.from_dict(value)
    return Texts()


def _cell(
    lk: Linker, item: ItemSource[S.TableSpec], ctx: ParseContext, path: Path, fact: str, value: Any
) -> Cond | None:
    """A cell: a test on its column's fact ("-" for any value); None after reporting a problem."""
    if value is None:
        lk.error(item.file, path, codes.BAD_ROW, 'an empty cell; write "-" for any value')
        return None
    try:
        return parse_test(fact, value, path, ctx)
    except InvalidCondition:
        return None


def _output(lk: Linker, item: ItemSource[S.TableSpec], path: Path, fact: str, value: Any) -> OutputValue | None:
    # A collect table adds each matching row's value to a list fact.
    derived = lk.derived.get(fact)
    append = item.spec.hit_policy == "collect" and derived is not None and derived.type.kind == "list"
    return check_output(lk, item.file, path, fact, value, item.stage, append=append)
