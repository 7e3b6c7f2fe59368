"""The account's advice as today's portfolio columns (`kamrules.portfolio.flatten.advice_cells`),
for every row of a batch at once, from the batch engine's evaluation.

The decisions and their labels, the four scores and where each comes from, the warnings (their
codes, the most severe severity, their titles, "Title: message" texts), the levers' ids and
labels, and the strategy's treatment:
each list is folded into one text per row by Arrow, as flatten joins it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.advice.build import TREATMENT_KEYS, decision_label, strategy_treatment
from kamrules.advice.scores import SCORES
from kamrules.batch import frame as fr
from kamrules.batch.output import Entries, lever_entries, warning_entries
from kamrules.batch.run import Result
from kamrules.language.rulebase import RuleBase
from kamrules.model.vocabulary import SEVERITY_ORDER


def advice_cells(rb: RuleBase, res: Result, lang: str) -> tuple[dict[str, pa.Array], Entries]:
    """The advice columns of the frame's rows, and their warnings (for the tally's count)."""
    frame = res.frame
    n = frame.n
    out: dict[str, pa.Array] = {}
    for name in ("tier", "profile", "profile_source", "strategy"):
        column = frame.get(name)
        out[name] = column.to_arrow() if isinstance(column, fr.Text) else pa.nulls(n, pa.string())
        if name != "profile_source":
            out[f"{name}.text"] = _labels(rb, name, column, lang, n)
    for name in SCORES:
        out[f"scores.{name}"] = _score(frame, name)
        source = frame.get(f"scores.source.{name}")
        out[f"scores.source.{name}"] = source.to_arrow() if isinstance(source, fr.Text) else pa.nulls(n, pa.string())
    entries = warning_entries(rb, res, lang)
    out["warnings"] = _joined(entries.field(0), entries.rows, n, "; ")
    out["warnings.severity"] = _most_severe(entries, n)
    assert entries.texts is not None
    # Read by people: each warning's title (its code when it has none), as flatten words it.
    titles = [kind[3] or kind[0] for kind in entries.kinds] or [""]
    titled = pa.array(titles, pa.string()).take(pa.array(entries.kind, pa.int64()))
    out["warnings.titles"] = _joined(titled, entries.rows, n, "; ")
    texts = pc.binary_join_element_wise(titled, entries.texts, ": ")
    out["warnings.text"] = _joined(texts, entries.rows, n, " | ")
    levers, _ = lever_entries(rb, res, lang, why=False)
    out["levers"] = _joined(levers.field(0), levers.rows, n, "; ")
    ids = [kind[0] for kind in levers.kinds]
    labels = [(rb.levers[i].label.get(lang) if i in rb.levers else i) or i for i in ids] or [""]
    named = pa.array(labels, pa.string()).take(pa.array(levers.kind, pa.int64()))
    out["levers.text"] = _joined(named, levers.rows, n, "; ")
    out.update(_treatments(rb, frame.get("strategy"), lang, n))
    return out, entries


def _labels(rb: RuleBase, name: str, column: fr.Column, lang: str, n: int) -> pa.Array:
    if not isinstance(column, fr.Text):
        return pa.nulls(n, pa.string())
    texts = [decision_label(rb, name, value, lang) for value in column.values]
    return fr.Text(column.codes, texts).to_arrow()


def _score(frame: fr.Frame, name: str) -> pa.Array:
    """The derived score where the rules computed one, else the account's own (`_score`)."""
    x = np.full(frame.n, np.nan)
    for column in (frame.get(f"assessment.{name}"), frame.get(f"scores.{name}")):
        if isinstance(column, fr.Num) and not column.date:
            x = np.where(column.present(), column.x, x)
    return pa.array(x, pa.float64(), mask=np.isnan(x))


def _joined(items: pa.Array, rows: np.ndarray, n: int, separator: str) -> pa.Array:
    """Each row's items joined (an empty text for a row with none, as "; ".join([]) is)."""
    counts = np.bincount(rows, minlength=n) if len(rows) else np.zeros(n, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    lists = pa.ListArray.from_arrays(
        pa.array(offsets), items.cast(pa.string()) if len(items) else pa.array([], pa.string())
    )
    return pc.binary_join(lists, separator)


def _most_severe(entries: Entries, n: int) -> pa.Array:
    """The most severe of each row's warnings (null for a row with none): a row's entries come
    most severe first, so it is its first entry's."""
    names = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__)
    position = {name: k for k, name in enumerate(names)}
    best = np.full(n, -1, dtype=np.int32)
    rows = entries.rows
    if len(rows):
        level = np.array([position[kind[1]] for kind in entries.kinds], dtype=np.int32)[entries.kind]
        head = np.concatenate(([True], rows[1:] != rows[:-1]))
        best[rows[head]] = level[head]
    return fr.Text(best, names).to_arrow()


def _treatments(rb: RuleBase, strategy: fr.Column, lang: str, n: int) -> dict[str, pa.Array]:
    """The treatment of each row's strategy, a list (pitfalls) joined by "; "."""
    keys = [f"treatment.{k}" for k in TREATMENT_KEYS]
    if not isinstance(strategy, fr.Text) or not strategy.values:
        return {k: pa.nulls(n, pa.string()) for k in keys}
    per_value = [strategy_treatment(rb, s, lang) for s in strategy.values]
    out: dict[str, pa.Array] = {}
    for key, column in zip(TREATMENT_KEYS, keys, strict=True):
        cells = []
        for treatment in per_value:
            value = treatment.get(key) if treatment is not None else None
            cells.append("; ".join(value) if isinstance(value, list) else value)
        codes = np.where(strategy.codes >= 0, strategy.codes, len(cells))
        out[column] = pa.array([*cells, None], pa.string()).take(pa.array(codes))
    return out
