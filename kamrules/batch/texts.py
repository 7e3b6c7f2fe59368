"""Warning and lever texts for many rows: a template's placeholders filled column by column.

Each placeholder's values are filled once per distinct value (`templates.fill`, the function
the per-account advice uses: the same labels, number formats, plural forms and articles) and
spread to the rows by Arrow; the template's pieces are joined row by row by Arrow too.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.advice.build import value_label
from kamrules.batch import frame as fr
from kamrules.language.rulebase import RuleBase
from kamrules.language.templates import PLACEHOLDER, fill


def _spread(table: list[str], codes: np.ndarray) -> pa.Array:
    return pa.array(table, pa.string()).take(pa.array(codes, pa.int64()))


def _formatted(rb: RuleBase, frame: fr.Frame, match: re.Match[str], rows: np.ndarray, lang: str) -> pa.Array:
    """The placeholder `match` filled for each of `rows`, as Arrow texts."""
    name = match.group("name")

    def label(fact: str, value: Any) -> str:
        return value_label(rb, fact, value, lang)

    def one(value: Any) -> str:
        return fill(match, value, label, frame.as_of, lang)

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
        # A list is worded as a whole (its items in a sentence, `a, b and c`, a count for its
        # plural forms): each distinct list once, keyed by its items' distinct codes.
        sub = column.arr.take(pa.array(rows))
        items = pc.dictionary_encode(sub.values)
        offsets = sub.offsets.to_numpy()
        codes = items.indices.to_numpy(zero_copy_only=False)
        nulls = sub.is_null().to_numpy(zero_copy_only=False)
        words = items.dictionary.to_pylist()
        keys = [None if nulls[k] else tuple(codes[offsets[k] : offsets[k + 1]].tolist()) for k in range(len(rows))]
        seen: dict[tuple[int, ...] | None, int] = {}
        where = np.fromiter((seen.setdefault(key, len(seen)) for key in keys), np.int64, len(keys))
        return _spread([one(None if key is None else [words[c] for c in key]) for key in seen], where)
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
        pieces.append(_formatted(rb, frame, match, rows, lang))
        last = match.end()
    pieces.append(template[last:])
    if len(pieces) == 1:
        return _spread([template], np.zeros(len(rows), dtype=np.int64))
    return pc.binary_join_element_wise(*pieces, "")
