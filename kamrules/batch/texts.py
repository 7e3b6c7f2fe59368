"""Warning and lever texts for many rows: a template's placeholders filled column by column.

Each placeholder's values are formatted once per distinct value (`format_value`, the function
the per-account advice uses, with the same labels and number formats) and spread to the rows by
Arrow; the template's pieces are joined row by row by Arrow too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.advice.build import value_label
from kamrules.batch import frame as fr
from kamrules.language.rulebase import RuleBase
from kamrules.language.templates import PLACEHOLDER, format_value


def _spread(table: list[str], codes: np.ndarray) -> pa.Array:
    return pa.array(table, pa.string()).take(pa.array(codes, pa.int64()))


def _formatted(rb: RuleBase, frame: fr.Frame, name: str, fmt: str | None, rows: np.ndarray, lang: str) -> pa.Array:
    """The placeholder `{name:fmt}` for each of `rows`, as Arrow texts."""

    def label(fact: str, value: Any) -> str:
        return value_label(rb, fact, value, lang)

    def one(value: Any) -> str:
        return format_value(name, value, fmt, label, frame.as_of, lang)

    n = len(rows)
    if name == "as_of" or name in rb.params:
        value = frame.as_of if name == "as_of" else rb.params[name].value
        return _spread([one(value)], np.zeros(n, dtype=np.int64))
    column = frame.get(name)
    if isinstance(column, fr.Text):
        codes = column.codes[rows]
        return _spread([one(v) for v in column.values] + [one(None)], np.where(codes >= 0, codes, len(column.values)))
    if isinstance(column, fr.Num):
        x = column.x[rows]
        # Distinct by their bits: 0.0 and -0.0 are equal numbers but are worded "0%" and "-0%".
        bits, inverse = np.unique(x.view(np.int64), return_inverse=True)
        distinct = bits.view(np.float64)
        shown = [one(None if np.isnan(v) else column.py_of(v)) for v in distinct.tolist()]
        return _spread(shown, inverse.reshape(-1))
    if isinstance(column, fr.Lst) and not column.mapping and _texts_only(column):
        # A list is its items' texts joined by ", " (format_value's own rule): each distinct
        # item is worded once, the lists are joined by Arrow.
        sub = column.arr.take(pa.array(rows))
        items = pc.dictionary_encode(sub.values)
        worded = pa.array(
            [format_value(name, v, None, label, frame.as_of, lang) for v in items.dictionary.to_pylist()], pa.string()
        )
        texts = pa.ListArray.from_arrays(sub.offsets, worded.take(items.indices), mask=sub.is_null())
        return pc.fill_null(pc.binary_join(texts, ", "), one(None))
    if isinstance(column, fr.Bool):
        return _spread([one(None), one(False), one(True)], column.v[rows].astype(np.int64) + 1)  # -1 missing, 0, 1
    # Lists of records and mappings: formatted row by row. No rule base words one in a text
    # today; a list's distinct values would need a key per row, which costs what it saves.
    return pa.array([one(column.py(int(r))) for r in rows.tolist()], pa.string())


def _texts_only(column: fr.Lst) -> bool:
    kind = column.arr.type.value_type
    return str(kind) == "string"


def render(rb: RuleBase, frame: fr.Frame, template: str, rows: np.ndarray, lang: str) -> pa.Array:
    """`template` filled for each of `rows` (Arrow texts)."""
    pieces: list[Any] = []
    last = 0
    for match in PLACEHOLDER.finditer(template):
        pieces.append(template[last : match.start()])
        pieces.append(_formatted(rb, frame, match.group(1), match.group(2), rows, lang))
        last = match.end()
    pieces.append(template[last:])
    if len(pieces) == 1:
        return _spread([template], np.zeros(len(rows), dtype=np.int64))
    return pc.binary_join_element_wise(*pieces, "")
