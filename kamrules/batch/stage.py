"""A stage's decisions for every row at once, from which rules and table rows held.

The same steps as `Program._run_stage`, on arrays: each table's hit policy on its matching rows
(a `unique` table with several is a conflict for its outputs), then every value a rule or row
sets is a candidate in the order the per-account path sorts them (priority, then rule-base
order, insertion order last); per fact, the first candidate that applies and has a value wins.
Values appended to list facts keep their first-appended order, without repeats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from kamrules.batch import frame as fr
from kamrules.batch.compute import Detail
from kamrules.batch.errors import BatchUnsupported
from kamrules.engine.passes import StageProgram
from kamrules.engine.stage import conflict_reason
from kamrules.language.rulebase import LeverPick, OutputValue, Row, Rule, RuleBase, Table


@dataclass
class Outcomes:
    """What the stages produced besides the facts they set."""

    warnings: list[tuple[Rule, np.ndarray]] = field(default_factory=list)  # in ev.warnings order
    levers: list[tuple[Rule, LeverPick, np.ndarray]] = field(default_factory=list)
    conflicts: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)  # fact -> (codes, texts)
    details: dict[str, Detail] = field(default_factory=dict)


@dataclass
class _Candidate:
    key: tuple[Any, ...]
    fact: str
    value: OutputValue
    active: np.ndarray


def _hits(table: Table, matched: np.ndarray, out: Outcomes) -> np.ndarray:
    """Which of the table's rows apply, per row, after its hit policy."""
    n, r = matched.shape
    if r == 0:
        return matched
    policy = table.hit_policy
    if policy == "collect":
        return matched
    any_match = matched.any(axis=1)
    if policy == "first":
        first = np.argmax(matched, axis=1)
        hits = np.zeros_like(matched)
        hits[np.arange(n)[any_match], first[any_match]] = True
        return hits
    if policy == "priority":
        prios = np.array([row.priority for row in table.rows], dtype=np.int64)
        best = np.where(matched, prios[None, :], np.iinfo(np.int64).min).max(axis=1)
        top = matched & (prios[None, :] == best[:, None])
        first = np.argmax(top, axis=1)
        hits = np.zeros_like(matched)
        hits[np.arange(n)[any_match], first[any_match]] = True
        return hits
    count = matched.sum(axis=1)
    several = count > 1
    if several.any():
        patterns, inverse = np.unique(matched[several], axis=0, return_inverse=True)
        texts = [conflict_reason(table, [table.rows[k].id for k in np.flatnonzero(p)]) for p in patterns]
        for fact in table.outputs:
            codes = np.full(n, -1, dtype=np.int64)
            codes[several] = inverse.reshape(-1)
            out.conflicts[fact] = (codes, texts)
    single: np.ndarray = matched & (count == 1)[:, None]
    return single


def run_stage(rb: RuleBase, sp: StageProgram, held: np.ndarray, frame: fr.Frame, out: Outcomes) -> None:
    """Apply one stage's decisions to the frame (`held`: the stage's items, in owner order)."""
    writes: list[_Candidate] = []
    appends: dict[str, list[_Candidate]] = {}
    position = 0
    for t_index, table in enumerate(sp.tables):
        width = len(table.rows)
        hits = _hits(table, held[:, position : position + width], out)
        position += width
        for r_index, row in enumerate(table.rows):
            _table_outputs(table, row, hits[:, r_index], sp, (t_index, r_index), writes, appends)
    rules = sorted(range(len(sp.rules)), key=lambda k: (-sp.rules[k].priority, sp.rules[k].order))
    for rank, k in enumerate(rules):
        rule = sp.rules[k]
        fired = held[:, position + k]
        for fact, value in rule.sets.items():
            writes.append(_Candidate((-rule.priority, rule.order * 10000, 1, rank), fact, value, fired))
        for fact, value in rule.appends.items():
            _append(appends, fact, value, fired, f"rule {rule.id} ({rule.where})")
        if rule.warn is not None:
            out.warnings.append((rule, fired))
        for pick in rule.levers:
            out.levers.append((rule, pick, fired))
    writes.sort(key=lambda c: c.key)
    for fact in dict.fromkeys(c.fact for c in writes):
        _write(rb, fact, [c for c in writes if c.fact == fact], frame, out)
    for fact, candidates in appends.items():
        frame.columns[fact] = _collected(candidates, frame.n)


def _table_outputs(
    table: Table,
    row: Row,
    hit: np.ndarray,
    sp: StageProgram,
    place: tuple[int, int],
    writes: list[_Candidate],
    appends: dict[str, list[_Candidate]],
) -> None:
    for fact, value in row.outputs.items():
        if table.hit_policy == "collect" and fact in sp.list_facts:
            _append(appends, fact, value, hit, f"row {row.id} of table {table.id} ({row.where})")
        else:
            key = (-row.priority, table.order * 10000 + row.index, 0, place)
            writes.append(_Candidate(key, fact, value, hit))


def _append(appends: dict[str, list[_Candidate]], fact: str, value: OutputValue, active: np.ndarray, who: str) -> None:
    if value.fact is not None:
        raise BatchUnsupported(f"{who} appends the value of another fact ({value.fact}) to {fact}")
    appends.setdefault(fact, []).append(_Candidate((), fact, value, active))


def _write(rb: RuleBase, fact: str, candidates: list[_Candidate], frame: fr.Frame, out: Outcomes) -> None:
    """The first candidate (in order) that applies and has a value sets the fact, unless a
    unique table's conflict blocks it."""
    n = frame.n
    kind = rb.facts[fact].type.kind
    open_ = np.ones(n, dtype=bool)
    conflict = out.conflicts.get(fact)
    if conflict is not None:
        open_ &= conflict[0] < 0
    sources = [_source(c.value, kind, frame) for c in candidates]
    if kind in ("text", "choice"):
        texts: list[str] = []
        for source in sources:
            texts.extend(v for v in source[1] if v not in texts)
        index = {v: i for i, v in enumerate(texts)}
        codes = np.full(n, -1, dtype=np.int32)
        for c, (present, values, codes_of) in zip(candidates, sources, strict=True):
            take = open_ & c.active & present
            remap = np.array([index[v] for v in values] + [-1], dtype=np.int32)
            codes[take] = remap[codes_of[take]]
            open_ &= ~take
        frame.columns[fact] = fr.Text(codes, texts)
        return
    if kind == "boolean":
        flags = np.full(n, -1, dtype=np.int8)
        for c, (given, _, flag) in zip(candidates, sources, strict=True):
            take = open_ & c.active & given
            flags[take] = flag[take]
            open_ &= ~take
        frame.columns[fact] = fr.Bool(flags)
        return
    if kind not in ("number", "date"):
        raise BatchUnsupported(f"setting {fact} ({kind}) column-wise")
    x = np.full(n, np.nan)
    for c, (given, _, number) in zip(candidates, sources, strict=True):
        take = open_ & c.active & given
        x[take] = number[take]
        open_ &= ~take
    frame.columns[fact] = fr.Num(x, date=kind == "date")


def _source(value: OutputValue, kind: str, frame: fr.Frame) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(present, texts, values) of a candidate's value: a literal, or a copy of a fact."""
    n = frame.n
    if value.fact is None:
        literal = value.literal
        present = np.full(n, literal is not None)
        if kind in ("text", "choice"):
            return present, [str(literal)], np.zeros(n, dtype=np.int64)
        if kind == "boolean":
            return present, [], np.full(n, 1 if literal else 0, dtype=np.int8)
        if isinstance(literal, dt.date):
            return present, [], np.full(n, float(literal.toordinal()))
        return present, [], np.full(n, np.nan if literal is None else float(literal))
    column = frame.get(value.fact)
    present = column.present()
    if isinstance(column, fr.Text):
        return present, list(column.values), np.where(column.codes >= 0, column.codes, len(column.values))
    if isinstance(column, fr.Bool):
        return present, [], column.v
    if isinstance(column, fr.Num):
        return present, [], column.x
    raise BatchUnsupported(f"copying {value.fact} column-wise")


def _collected(candidates: list[_Candidate], n: int) -> fr.Lst:
    """A list fact's values per row, in the order first appended, without repeats; missing
    where nothing was appended."""
    names = list(dict.fromkeys(str(c.value.literal) for c in candidates))
    never = len(candidates)
    first = np.full((n, len(names)), never, dtype=np.int64)
    for position, c in enumerate(candidates):
        k = names.index(str(c.value.literal))
        first[:, k] = np.where(c.active & (first[:, k] == never), position, first[:, k])
    order = np.argsort(first, axis=1, kind="stable")
    ranked = np.take_along_axis(first, order, axis=1)
    keep = ranked < never
    counts = keep.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    values = pa.array(np.array(names, dtype=object)[order[keep]] if names else [], pa.string())
    return fr.Lst(pa.ListArray.from_arrays(pa.array(offsets), values, mask=pa.array(counts == 0)))
