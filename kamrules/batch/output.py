"""The advice table: one row per input row, the advice of `Engine.advise` without its trace.

Columns (docs/contract.md, "Batch advice"): row, id, name, tier, profile, profile_source,
strategy, labels, treatment, scores, score_sources, warnings, levers, facts, error. Lists of warnings and
levers are built long (one entry per row and item), sorted as the per-account advice sorts them,
and folded into list arrays by their rows' offsets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kamrules.advice.build import CORE, TREATMENT_KEYS, decision_label, strategy_treatment, undecided_kind
from kamrules.advice.undecided import undecided_message
from kamrules.batch import frame as fr
from kamrules.batch.accounts import Accounts
from kamrules.batch.rowparts import ERROR, SCORE_SOURCES, error_structs, score_sources
from kamrules.batch.run import Result
from kamrules.batch.texts import render
from kamrules.language.rulebase import RuleBase
from kamrules.model.advice import Scores
from kamrules.model.vocabulary import SEVERITY_ORDER

WARNING = pa.struct(
    [
        ("code", pa.string()),
        ("severity", pa.string()),
        ("message", pa.string()),
        ("rule", pa.string()),
        ("title", pa.string()),
    ]
)
LEVER = pa.struct([("id", pa.string()), ("label", pa.string()), ("why", pa.string()), ("rules", pa.list_(pa.string()))])
TREATMENT = pa.struct([(k, pa.list_(pa.string()) if k == "pitfalls" else pa.string()) for k in TREATMENT_KEYS])
SCORES = pa.struct([(k, pa.float64()) for k in Scores.model_fields])
LABELS = pa.struct([(k, pa.string()) for k in ("tier", "profile", "strategy")])


def derived_type(rb: RuleBase, name: str) -> pa.DataType:
    kind = rb.derived[name].type.kind
    return {
        "number": pa.float64(),
        "date": pa.date32(),
        "boolean": pa.bool_(),
        "list": pa.list_(pa.string()),
    }.get(kind, pa.string())


def fact_names(rb: RuleBase) -> list[str]:
    """The derived facts the advice lists under `facts` (not the decisions, not the scores)."""
    return [k for k in rb.derived if k not in CORE and not k.startswith("scores.")]


def schema(rb: RuleBase) -> pa.Schema:
    """The advice table's schema for a rule base (its `facts` follow the derived facts)."""
    facts = pa.struct([(k, derived_type(rb, k)) for k in fact_names(rb)])
    return pa.schema(
        [
            ("row", pa.int64()),
            ("id", pa.string()),
            ("name", pa.string()),
            ("tier", pa.string()),
            ("profile", pa.string()),
            ("profile_source", pa.string()),
            ("strategy", pa.string()),
            ("labels", LABELS),
            ("treatment", TREATMENT),
            ("scores", SCORES),
            ("score_sources", SCORE_SOURCES),
            ("warnings", pa.list_(WARNING)),
            ("levers", pa.list_(LEVER)),
            ("facts", facts),
            ("error", ERROR),
        ]
    )


def _arrow(column: fr.Column, kind: pa.DataType) -> pa.Array:
    if isinstance(column, fr.Text):
        return column.to_arrow()
    if isinstance(column, fr.Num):
        if column.date:
            days = np.where(np.isnan(column.x), 0, column.x - fr.ORDINAL_1970).astype(np.int32)
            return pa.array(days, pa.int32(), mask=np.isnan(column.x)).cast(pa.date32())
        return pa.array(column.x, pa.float64(), mask=np.isnan(column.x))
    if isinstance(column, fr.Bool):
        return pa.array(column.v == 1, pa.bool_(), mask=column.v < 0)
    if isinstance(column, fr.Lst):
        return column.arr.cast(kind)
    return pa.nulls(len(column.present()), kind)


def _fold(rows: np.ndarray, n: int, struct: pa.StructArray, kind: pa.DataType) -> pa.Array:
    """Entries (already in order within each row, rows ascending) into one list per row."""
    counts = np.bincount(rows, minlength=n) if len(rows) else np.zeros(n, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), struct).cast(kind)


@dataclass
class Entries:
    """Warnings (or levers) of many rows in long form: one entry per row and item, sorted as the
    per-account advice sorts them (by row, then within a row). `kind` numbers the distinct
    (code, severity, rule, title) of a warning entry, or the lever of a lever entry; `texts`
    holds each entry's message (or why)."""

    rows: np.ndarray
    kind: np.ndarray
    kinds: list[tuple[str, ...]]
    texts: pa.Array | None

    def field(self, k: int) -> pa.Array:
        """Field `k` of each entry's kind, as strings taken from the (few) distinct kinds."""
        table = pa.array([kind[k] for kind in self.kinds] or [""], pa.string())
        return table.take(pa.array(self.kind, pa.int64()))


class _Ranks:
    """Sort keys (-severity, code, rule) of the kinds of warning entries met in one call."""

    def __init__(self) -> None:
        self.keys: dict[tuple[int, str, str], int] = {}
        self.kinds: list[tuple[str, ...]] = []

    def of(self, severity: str, code: str, rule: str, title: str) -> int:
        key = (-SEVERITY_ORDER[severity], code, rule)
        known = self.keys.get(key)
        if known is None:
            known = self.keys[key] = len(self.kinds)
            self.kinds.append((code, severity, rule, title))
        return known

    def order(self) -> np.ndarray:
        """Each kind's position among the kinds sorted by their keys."""
        ranked = sorted(self.keys, key=lambda k: k)
        position = np.zeros(len(ranked), dtype=np.int64)
        for place, key in enumerate(ranked):
            position[self.keys[key]] = place
        return position


def warning_entries(rb: RuleBase, res: Result, lang: str, *, messages: bool = True) -> Entries:
    """Every warning of every row, most severe first within a row, then by code and rule; one
    per code and row (the most severe, the first rule of that severity), `UNDECIDED` included."""
    frame, out = res.frame, res.outcomes
    n = frame.n
    ranks = _Ranks()
    rows: list[np.ndarray] = []
    kinds: list[np.ndarray] = []
    texts: list[pa.Array] = []
    by_code: dict[str, list[int]] = {}
    for k, (rule, _) in enumerate(out.warnings):
        assert rule.warn is not None
        by_code.setdefault(rule.warn.code, []).append(k)
    for code, members in by_code.items():
        taken = np.zeros(n, dtype=bool)
        best = np.full(n, -1)
        for k in members:
            rule, fired = out.warnings[k]
            assert rule.warn is not None
            best = np.where(fired, np.maximum(best, SEVERITY_ORDER[rule.warn.severity]), best)
        known = rb.warning_codes.get(code)
        title = known.title.get(lang) if known else ""
        for k in members:
            rule, fired = out.warnings[k]
            assert rule.warn is not None
            win = fired & ~taken & (best == SEVERITY_ORDER[rule.warn.severity])
            taken |= win
            where = np.flatnonzero(win)
            if not len(where):
                continue
            rows.append(where)
            kinds.append(np.full(len(where), ranks.of(rule.warn.severity, code, rule.id, title)))
            if messages:
                texts.append(render(rb, frame, rule.warn.message.get(lang), where, lang))
    _undecided(rb, res, lang, ranks, rows, kinds, texts if messages else None)
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return Entries(empty, empty, ranks.kinds, pa.array([], pa.string()) if messages else None)
    r = np.concatenate(rows)
    kind = np.concatenate(kinds).astype(np.int64)
    order = np.lexsort((ranks.order()[kind], r))
    message = pa.concat_arrays(texts).take(pa.array(order)) if messages else None
    return Entries(r[order], kind[order], ranks.kinds, message)


def warnings(rb: RuleBase, res: Result, lang: str) -> pa.Array:
    entries = warning_entries(rb, res, lang)
    n = res.frame.n
    if not len(entries.rows):
        return _fold(entries.rows, n, pa.array([], WARNING), pa.list_(WARNING))
    assert entries.texts is not None
    message = entries.texts
    code, severity, rule, title = (entries.field(k) for k in range(4))
    struct = pa.StructArray.from_arrays([code, severity, message, rule, title], fields=list(WARNING))
    return _fold(entries.rows, n, struct, pa.list_(WARNING))


def _undecided(
    rb: RuleBase,
    res: Result,
    lang: str,
    ranks: _Ranks,
    rows: list[np.ndarray],
    kinds: list[np.ndarray],
    texts: list[pa.Array] | None,
) -> None:
    severity, title = undecided_kind(rb, lang)
    decisions = [d for d in rb.decisions if d in res.undecided]
    if not decisions:
        return
    bits = np.zeros(res.frame.n, dtype=np.int64)
    for k, d in enumerate(decisions):
        bits |= (res.undecided[d].codes >= 0).astype(np.int64) << k
    for fact in decisions:
        reasons = res.undecided[fact]
        where = np.flatnonzero(reasons.codes >= 0)
        if not len(where):
            continue
        rows.append(where)
        kinds.append(np.full(len(where), ranks.of(severity, "UNDECIDED", f"decision:{fact}", title)))
        if texts is None:
            continue
        key = reasons.codes[where] * (1 << len(decisions)) + bits[where]
        distinct, inverse = np.unique(key, return_inverse=True)
        worded = []
        for value in distinct.tolist():
            code, mask = divmod(int(value), 1 << len(decisions))
            undecided = {d for j, d in enumerate(decisions) if (mask >> j) & 1}
            worded.append(undecided_message(rb, fact, reasons.texts[code], undecided, lang))
        texts.append(pa.array(worded, pa.string()).take(pa.array(inverse.reshape(-1))))


def lever_entries(rb: RuleBase, res: Result, lang: str, *, why: bool = True) -> tuple[Entries, pa.Array | None]:
    """Every lever of every row, in the order first recommended, one per lever and row; the
    kinds are the lever ids. With `why`, each entry's why in `lang` and the rules that
    recommended it (a list per entry)."""
    frame, out = res.frame, res.outcomes
    ids = list(dict.fromkeys(pick.id for _, pick, _ in out.levers))
    rows, lever, rank = [], [], []
    for position, (_, pick, fired) in enumerate(out.levers):
        where = np.flatnonzero(fired)
        rows.append(where)
        lever.append(np.full(len(where), ids.index(pick.id)))
        rank.append(np.full(len(where), position))
    kinds: list[tuple[str, ...]] = [(i,) for i in ids]
    if not ids or not sum(len(r) for r in rows):
        empty = np.zeros(0, dtype=np.int64)
        return Entries(empty, empty, kinds, pa.array([], pa.string()) if why else None), None
    r, lv, j = np.concatenate(rows), np.concatenate(lever), np.concatenate(rank)
    order = np.lexsort((j, lv, r))
    r, lv, j = r[order], lv[order], j[order]
    head = np.ones(len(r), dtype=bool)
    head[1:] = (r[1:] != r[:-1]) | (lv[1:] != lv[:-1])
    hr, hl, hj = r[head], lv[head], j[head]
    order2 = np.lexsort((hj, hr))  # a row's levers in the order first recommended
    if not why:
        return Entries(hr[order2], hl[order2], kinds, None), None
    rule_ids = np.array([rule.id for rule, _, _ in out.levers], dtype=object)[j]
    group_offsets = np.concatenate([np.flatnonzero(head), [len(r)]]).astype(np.int32)
    rules_lists = pa.ListArray.from_arrays(pa.array(group_offsets), pa.array(rule_ids, pa.string()))
    # Each lever's why for its rows, then put back in the entries' order.
    parts, places = [], []
    for k in np.unique(hj).tolist():
        mine = np.flatnonzero(hj == k)
        _, pick, _ = out.levers[k]
        parts.append(render(rb, frame, pick.why.get(lang), hr[mine], lang))
        places.append(mine)
    placed = np.empty(len(hr), dtype=np.int64)
    placed[np.concatenate(places)] = np.arange(len(hr))
    texts = pa.concat_arrays(parts).take(pa.array(placed[order2]))
    return Entries(hr[order2], hl[order2], kinds, texts), rules_lists.take(pa.array(order2))


def levers(rb: RuleBase, res: Result, lang: str) -> pa.Array:
    n = res.frame.n
    entries, rules_lists = lever_entries(rb, res, lang)
    if rules_lists is None:
        return _fold(entries.rows, n, pa.array([], LEVER), pa.list_(LEVER))
    ids = [kind[0] for kind in entries.kinds]
    labels = [rb.levers[i].label.get(lang) if i in rb.levers else i for i in ids]
    struct = pa.StructArray.from_arrays(
        [
            entries.field(0),
            pa.array(labels, pa.string()).take(pa.array(entries.kind, pa.int64())),
            entries.texts,
            rules_lists,
        ],
        fields=list(LEVER),
    )
    return _fold(entries.rows, n, struct, pa.list_(LEVER))


def core(rb: RuleBase, res: Result, lang: str) -> dict[str, pa.Array]:
    frame = res.frame
    out: dict[str, pa.Array] = {}
    for name in ("tier", "profile", "profile_source", "strategy"):
        column = frame.get(name)
        out[name] = column.to_arrow() if isinstance(column, fr.Text) else pa.nulls(frame.n, pa.string())
    labels = []
    for name in ("tier", "profile", "strategy"):
        column = frame.get(name)
        if not isinstance(column, fr.Text):
            labels.append(pa.nulls(frame.n, pa.string()))
            continue
        texts = [decision_label(rb, name, value, lang) for value in column.values]
        labels.append(fr.Text(column.codes, texts).to_arrow())
    out["labels"] = pa.StructArray.from_arrays(labels, fields=list(LABELS))
    strategy = frame.get("strategy")
    if isinstance(strategy, fr.Text) and strategy.values:
        cells = [strategy_treatment(rb, s, lang) for s in strategy.values]
        table = pa.array([*cells, None], TREATMENT)
        out["treatment"] = table.take(pa.array(np.where(strategy.codes >= 0, strategy.codes, len(cells))))
    else:
        out["treatment"] = pa.nulls(frame.n, TREATMENT)
    scores = []
    for name in Scores.model_fields:
        derived, given = frame.get(f"scores.{name}"), frame.get(f"assessment.{name}")
        x = np.full(frame.n, np.nan)
        for column in (given, derived):
            if isinstance(column, fr.Num) and not column.date:
                x = np.where(column.present(), column.x, x)
        scores.append(pa.array(x, pa.float64(), mask=np.isnan(x)))
    out["scores"] = pa.StructArray.from_arrays(scores, fields=list(SCORES))
    out["score_sources"] = score_sources(frame)
    names = fact_names(rb)
    kinds = [derived_type(rb, k) for k in names]
    facts = [_arrow(frame.get(k), t) for k, t in zip(names, kinds, strict=True)]
    out["facts"] = (
        pa.StructArray.from_arrays(facts, fields=[pa.field(k, t) for k, t in zip(names, kinds, strict=True)])
        if names
        else pa.array([{}] * frame.n, pa.struct([]))
    )
    return out


def table(rb: RuleBase, acc: Accounts, res: Result, lang: str, first_row: int = 0) -> pa.Table:
    """The advice table of one batch: valid rows' advice, invalid rows' errors, in input order."""
    n = acc.n
    target = schema(rb)
    valid_columns: dict[str, pa.Array] = {"id": acc.ids, "name": acc.names, **core(rb, res, lang)}
    valid_columns["warnings"] = warnings(rb, res, lang)
    valid_columns["levers"] = levers(rb, res, lang)
    errors = error_structs(acc)
    error_rows = np.array(sorted(acc.errors), dtype=np.int64)
    # position of each input row among the valid rows (0..m-1) or the error rows (m..m+e-1)
    m = len(acc.rows)
    index = np.empty(n, dtype=np.int64)
    index[acc.rows] = np.arange(m)
    index[error_rows] = m + np.arange(len(error_rows))
    take = pa.array(index)

    def placed(valid: pa.Array, invalid: pa.Array) -> pa.Array:
        # Every row valid (the usual batch): the valid rows' column is the column, no copy.
        return valid if not len(error_rows) else pa.concat_arrays([valid, invalid]).take(take)

    columns: list[pa.Array] = [pa.array(np.arange(first_row, first_row + n, dtype=np.int64))]
    for f in target:
        if f.name == "row":
            continue
        if f.name == "error":
            columns.append(placed(pa.nulls(m, ERROR), errors))
            continue
        if f.name in ("id", "name"):
            written = pa.array([acc.errors[r][1 if f.name == "id" else 2] for r in error_rows.tolist()], pa.string())
            columns.append(placed(valid_columns[f.name].cast(pa.string()), written))
            continue
        base = valid_columns[f.name]
        base = base if base.type == f.type else base.cast(f.type)
        columns.append(placed(base, pa.nulls(len(error_rows), f.type)))
    return pa.Table.from_arrays(columns, schema=target)
