"""Output batches as the bytes of today's CSV and JSON Lines files, built column-wise.

`encode_csv` gives what `csv.writer` (QUOTE_MINIMAL, lines ending in CRLF) writes for the rows
(a cell holding the delimiter, a quote or a line break is quoted, its quotes doubled);
`encode_jsonl` what `kamrules.io.outputs.jsonl_line` writes for each row. They are pure
functions of a record batch: a worker process can encode its own batches.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.batch.writers.cells import csv_texts, json_texts
from kamrules.io.cells import neutralise

CRLF = "\r\n"


def csv_header(columns: Sequence[str], delimiter: str, raw: bool = False) -> bytes:
    out = io.StringIO()
    names = list(columns) if raw else [neutralise(c) for c in columns]
    csv.writer(out, delimiter=delimiter, lineterminator=CRLF).writerow(names)
    return out.getvalue().encode("utf-8")


def _needs_quotes(delimiter: str) -> str:
    named = {"\t": "\\t", "\\": "\\\\", "]": "\\]", "^": "\\^", "-": "\\-"}
    return "[" + named.get(delimiter, delimiter) + '"\\r\\n]'


def _joined_bytes(rows: pa.Array) -> bytes:
    """The texts of a string array (no nulls) one after the other."""
    if not len(rows):
        return b""
    rows = rows.cast(pa.string())
    offsets = rows.buffers()[1]
    data = rows.buffers()[2]
    start = pa.Array.from_buffers(pa.int32(), 1, [None, offsets], offset=rows.offset)[0].as_py()
    end = pa.Array.from_buffers(pa.int32(), 1, [None, offsets], offset=rows.offset + len(rows))[0].as_py()
    return data[start:end].to_pybytes() if data is not None else b""


# Rows encoded at a time: the texts of every column of a slice are held at once (several times
# the slice's bytes), so slices keep the peak small whatever the batch's size.
SLICE = 2048


def _sliced(batch: pa.RecordBatch, encode: Callable[[pa.RecordBatch], bytes]) -> bytes:
    return b"".join(encode(batch.slice(start, SLICE)) for start in range(0, batch.num_rows, SLICE))


def encode_csv(batch: pa.RecordBatch, delimiter: str = ",", raw: bool = False) -> bytes:
    """The rows of `batch` as CSV lines (UTF-8), without the header; text cells a spreadsheet
    would run as formulas neutralised (`kamrules.io.cells`) unless `raw`."""
    return _sliced(batch, lambda part: _csv_lines(part, delimiter, raw))


# Texts `formula_like` may flag: a formula start, at the beginning or after whitespace (Python's
# str.lstrip strips Unicode spaces too); `neutralise` decides each of them.
_FORMULA_START = r"^[\s\x1c-\x1f\x85\p{Z}]*[=+\-@\t\r]"


def _neutralised(text: pa.Array) -> pa.Array:
    """`kamrules.io.cells.neutralise` of each text, Python judging only the few it may flag."""
    maybe = pc.fill_null(pc.match_substring_regex(text, _FORMULA_START), False)
    if not pc.any(maybe).as_py():
        return text
    where = np.flatnonzero(np.asarray(maybe.to_numpy(zero_copy_only=False), dtype=bool))
    cells = text.to_pylist()
    for k in where.tolist():
        cells[k] = neutralise(cells[k])
    return pa.array(cells, pa.string())


def _csv_lines(batch: pa.RecordBatch, delimiter: str, raw: bool = False) -> bytes:
    if not batch.num_rows:
        return b""
    pattern = _needs_quotes(delimiter)
    texts = []
    for column in batch.columns:
        text = pc.fill_null(csv_texts(column), "")
        if not raw and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            text = _neutralised(text)
        # Numbers, dates and true/false never hold a delimiter, a quote or a line break.
        if _may_need_quotes(column.type):
            text = _per_distinct(text, lambda values: _quoted(values, pattern))
        texts.append(text)
    texts[-1] = pc.binary_join_element_wise(texts[-1], CRLF, "")
    return _joined_bytes(_join(texts, delimiter))


def _quoted(text: pa.Array, pattern: str) -> pa.Array:
    """The cells holding the delimiter, a quote or a line break in quotes, their quotes doubled."""
    quote = pc.match_substring_regex(text, pattern)
    if not pc.any(quote).as_py():
        return text
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(quote, quoted, text)


def _per_distinct(text: pa.Array, rewrite: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """`rewrite(text)`, computed once per distinct text when the texts repeat (labels, advice,
    treatment: a few long texts over many rows)."""
    encoded = pc.dictionary_encode(text)
    if len(encoded.dictionary) * 4 > len(text):
        return rewrite(text)
    return rewrite(encoded.dictionary).take(encoded.indices)


def _may_need_quotes(kind: pa.DataType) -> bool:
    return not (
        pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_date(kind) or pa.types.is_boolean(kind)
    )


GROUP = 16  # Arrow joins a few columns at a time faster than many at once


def _join(texts: list[pa.Array], separator: str) -> pa.Array:
    """The texts of each row joined by `separator`, a group of columns at a time."""
    while len(texts) > GROUP:
        texts = [pc.binary_join_element_wise(*texts[k : k + GROUP], separator) for k in range(0, len(texts), GROUP)]
    return pc.binary_join_element_wise(*texts, separator)


def encode_jsonl(batch: pa.RecordBatch) -> bytes:
    """The rows of `batch` as JSON Lines (UTF-8): one object per row, every column, in order."""
    return _sliced(batch, _json_lines)


def _json_lines(batch: pa.RecordBatch) -> bytes:
    if not batch.num_rows:
        return b""
    parts = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        values = json_texts(column)
        parts.append(pc.binary_join_element_wise(json.dumps(name, ensure_ascii=False) + ": ", values, ""))
    body = _join(parts, ", ") if parts else pa.array([""] * batch.num_rows)
    return _joined_bytes(pc.binary_join_element_wise("{", body, "}\n", ""))
