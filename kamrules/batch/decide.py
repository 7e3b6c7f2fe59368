"""durable-rules decides each distinct input of a ruleset once; the answer goes to every row.

For each key of a ruleset's fact (`kamrules.engine.keys.KeySpace`) a class code is computed
column-wise that determines the key's encoded text: where the value falls among the literals
the rules compare it with (`kamrules.engine.representatives`), the text itself when it is
compared with another fact, presence for a fact only tested for presence. Rows with
the same codes on every key give durable-rules the same fact, so the fact is encoded (by the
per-account encoder itself) and asserted for one row of each class only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kamrules.batch import frame as fr
from kamrules.batch.plan import PassPlan, Shard
from kamrules.engine.representatives import key_encoder, numeric_representatives

MISSING = -1


def _numeric_codes(x: np.ndarray, tests: list[tuple[str, Any]], raw: bool) -> np.ndarray:
    """Codes of numbers (NaN missing): 2i for the i-th interval between the literals, 2i+1 for
    the i-th literal itself; the value's own rank when it is sent as it is."""
    present = ~np.isnan(x)
    literals = [lit for _, lit in tests]
    encoder = None if raw else key_encoder(tests)
    thresholds = sorted({float(v) for v in literals}) if literals else []
    exact_ok = (
        encoder is not None
        and thresholds
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in literals)
        and numeric_representatives(thresholds) is not None
    )
    codes = np.full(len(x), MISSING, dtype=np.int64)
    if exact_ok:
        th = np.asarray(thresholds, dtype=np.float64)
        finite = present & np.isfinite(x)
        i = np.searchsorted(th, x[finite], side="left")
        on = (i < len(th)) & (th[np.minimum(i, len(th) - 1)] == x[finite])
        codes[finite] = 2 * i + on
        odd = present & ~np.isfinite(x)  # sent as it is
        if odd.any():
            _, rank = np.unique(x[odd], return_inverse=True)
            codes[odd] = 2 * len(th) + 2 + rank
        return codes
    if present.any():
        _, rank = np.unique(x[present], return_inverse=True)
        codes[present] = rank
    return codes


def _text_codes(column: fr.Column, tests: list[tuple[str, Any]], raw: bool) -> np.ndarray:
    if isinstance(column, fr.Text):
        encoder = None if raw else key_encoder(tests)
        literals = [lit for _, lit in tests]
        if encoder is not None and literals and all(isinstance(v, str) for v in literals):
            names = list(dict.fromkeys(literals))
            lookup = np.array([names.index(v) if v in names else len(names) for v in column.values] + [MISSING])
            return lookup[np.where(column.codes >= 0, column.codes, len(column.values))]
        return column.codes.astype(np.int64)
    if isinstance(column, fr.Bool):
        return column.v.astype(np.int64)
    if isinstance(column, fr.Num):
        return _numeric_codes(column.x, tests, raw)
    # A list or a mapping compared by value is sent as its length.
    return np.where(column.present(), fr.count_of(column), MISSING).astype(np.int64)


def key_codes(shard: Shard, frame: fr.Frame) -> list[np.ndarray]:
    """One code array per key of the shard's fact."""
    keys = shard.keys
    as_of = float(frame.as_of.toordinal())
    out: list[np.ndarray] = []
    for fact in keys.value:
        key = f"f{keys.index[fact]}"
        column = frame.get(fact)
        if fact not in keys.compared:
            out.append(column.present().astype(np.int64))
        else:
            out.append(_text_codes(column, keys.tests.get(key, []), key in keys.raw))
    for fact in keys.days:
        column = frame.get(fact)
        x = column.x - as_of if isinstance(column, fr.Num) and column.date else np.full(frame.n, np.nan)
        out.append(_numeric_codes(x, keys.tests.get(f"f{keys.index[fact]}d", []), False))
    for fact in keys.count:
        counts = fr.count_of(frame.get(fact))
        out.append(_numeric_codes(counts, keys.tests.get(f"f{keys.index[fact]}c", []), False))
    for fact, items in keys.has.items():
        column = frame.get(fact)
        present = column.present()
        for item in items:
            holds = column.has(item) if isinstance(column, fr.Lst) else np.zeros(frame.n, dtype=bool)
            out.append(np.where(present, holds.astype(np.int64), MISSING))
    for (a, b), key in keys.diffs.items():
        ca, cb = frame.get(a), frame.get(b)
        if isinstance(ca, fr.Num) and isinstance(cb, fr.Num) and ca.date == cb.date:
            with np.errstate(invalid="ignore", over="ignore"):
                d = ca.x - cb.x
            d = np.where(np.isinf(d), np.copysign(1.0e300, d), d)
        else:
            d = np.full(frame.n, np.nan)
        out.append(_numeric_codes(d, keys.tests.get(key, []), False))
    return out


def classes(codes: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(class of each row, one row of each class) for the rows' combined codes."""
    combined = np.zeros(n, dtype=np.int64)
    for raw in codes:
        top = int(raw.max(initial=0))
        if top < (1 << 16):
            code = raw + 1  # codes from -1 (missing) up: used as they are
            span = top + 2
        else:
            _, code = np.unique(raw, return_inverse=True)
            code = code.reshape(-1)
            span = int(code.max()) + 1 if len(code) else 1
        combined = combined * span + code
        if int(combined.max(initial=0)) > (1 << 40):
            _, combined = np.unique(combined, return_inverse=True)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    return inverse.reshape(-1), first


def _facts_read(shard: Shard) -> list[str]:
    names = set(shard.keys.index)
    return sorted(names)


def fire_pass(plan: PassPlan, frame: fr.Frame, stats: Callable[[str, int], None] | None = None) -> np.ndarray:
    """held[row, item]: whether each rule or table row of the pass holds for each account."""
    held = np.zeros((frame.n, len(plan.items)), dtype=bool)
    if frame.n == 0:
        return held
    for shard in plan.shards:
        inverse, first = classes(key_codes(shard, frame), frame.n)
        names = _facts_read(shard)
        answers = np.zeros((len(first), len(plan.items)), dtype=bool)
        for c, row in enumerate(first.tolist()):
            values = {name: frame.py(name, row) for name in names}
            fact = shard.encode(values, frame.as_of)
            for position in shard.durable.fire(fact):
                answers[c, shard.item_of[position]] = True
        held |= answers[inverse]
        if stats is not None:
            stats(shard.durable.name, len(first))
    return held


def check_classes(plan: PassPlan, frame: fr.Frame) -> list[str]:
    """Rows whose encoded fact differs from their class's: for tests (empty when sound)."""
    problems: list[str] = []
    for shard in plan.shards:
        inverse, first = classes(key_codes(shard, frame), frame.n)
        names = _facts_read(shard)
        texts = [shard.encode({k: frame.py(k, r) for k in names}, frame.as_of) for r in range(frame.n)]
        for row in range(frame.n):
            expected = texts[int(first[inverse[row]])]
            if texts[row] != expected:
                problems.append(f"{shard.durable.name} row {row}: {texts[row]} != {expected}")
    return problems
