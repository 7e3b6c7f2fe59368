"""Warning and lever texts for many rows: a template's placeholders filled column by column.

Each placeholder's values are formatted once per distinct value (`format_value`, the function
the per-account advice uses, with the same labels and number formats), then the pieces are
joined row by row in numpy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.advice.build import _label
from kamrules.batch import frame as fr
from kamrules.language.rulebase import RuleBase
from kamrules.language.texts import PLACEHOLDER, format_value


def _formatted(rb: RuleBase, frame: fr.Frame, name: str, fmt: str | None, rows: np.ndarray, lang: str) -> np.ndarray:
    """The placeholder `{name:fmt}` for each of `rows`, as an object array of texts."""

    def label(fact: str, value: Any) -> str:
        return _label(rb, fact, value, lang)

    def one(value: Any) -> str:
        return format_value(name, value, fmt, label, frame.as_of, lang)

    if name == "as_of" or name in rb.params:
        value = frame.as_of if name == "as_of" else rb.params[name].value
        return np.full(len(rows), one(value), dtype=object)
    column = frame.get(name)
    if isinstance(column, fr.Text):
        table = np.array([one(v) for v in column.values] + [one(None)], dtype=object)
        codes = column.codes[rows]
        return table[np.where(codes >= 0, codes, len(column.values))]
    if isinstance(column, fr.Num):
        x = column.x[rows]
        distinct, inverse = np.unique(x, return_inverse=True)  # NaN (missing) sorts last
        shown = np.array([one(None if np.isnan(v) else column.py_of(v)) for v in distinct.tolist()], dtype=object)
        return shown[inverse.reshape(-1)]
    if isinstance(column, fr.Lst) and not column.mapping and _texts_only(column):
        # A list is its items' texts joined by ", " (format_value's own rule): each distinct
        # item is worded once, the lists are joined by Arrow.
        sub = column.arr.take(pa.array(rows))
        items = pc.dictionary_encode(sub.values)
        worded = pa.array(
            [format_value(name, v, None, label, frame.as_of, lang) for v in items.dictionary.to_pylist()], pa.string()
        )
        texts = pa.ListArray.from_arrays(sub.offsets, worded.take(items.indices), mask=sub.is_null())
        joined = pc.fill_null(pc.binary_join(texts, ", "), one(None))
        return np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object)
    if isinstance(column, fr.Bool):
        table = np.array([one(None), one(False), one(True)], dtype=object)  # -1 missing, 0, 1
        flags: np.ndarray = table[column.v[rows].astype(np.int64) + 1]
        return flags
    # Lists of records and mappings: formatted row by row. No rule base words one in a text
    # today; a list's distinct values would need a key per row, which costs what it saves.
    return np.array([one(column.py(int(r))) for r in rows.tolist()], dtype=object)


def _texts_only(column: fr.Lst) -> bool:
    kind = column.arr.type.value_type
    return str(kind) == "string"


def render(rb: RuleBase, frame: fr.Frame, template: str, rows: np.ndarray, lang: str) -> np.ndarray:
    """`template` filled for each of `rows` (an object array of texts)."""
    out = np.full(len(rows), "", dtype=object)
    last = 0
    for match in PLACEHOLDER.finditer(template):
        out = out + template[last : match.start()]
        out = out + _formatted(rb, frame, match.group(1), match.group(2), rows, lang)
        last = match.end()
    return out + template[last:]
