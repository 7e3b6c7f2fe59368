"""A batch of portfolio rows read into Arrow, with what a person finds each row by.

Whatever the file, a reader gives batches of its data rows in file order (blank rows left out,
as today's readers leave them out): the cells in an Arrow table, each row's number (the
spreadsheet row, counting the header as row 1; the line of a JSON Lines file; the account's
position in a YAML list; the record's position in a Parquet file) and line, and, for the few
rows a reader had to read one by one (a problem with the row itself, a cell the column-wise
reading cannot vouch for), the `RawRow` today's readers give for it. `raw_row(k)` rebuilds any
row as today's readers give it, so that an error row, or a row in doubt, is judged by today's
code (`kamrules.portfolio.prepare`) exactly as `kam portfolio` judges it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from kamrules.io.rows import RawRow, cell_value


@dataclass
class InputBatch:
    """Rows `first` to `first + n - 1` of a file's data rows (0-based, blank rows not counted).

    `tabular`: the table's columns are the file's own (a column map applies to them), cells as
    text or native values; otherwise they are the facts' dotted paths of structured accounts
    (JSON Lines, YAML). A batch from today's row readers keeps their rows (`raws`); the
    column-wise CSV reader keeps in `known` only the rows it read one by one (a row of unusual
    width, a value under a column the header leaves unnamed). A row with a reading problem, and
    a row `doubt` marks (the column-wise path must not judge its cells, which may be null in
    `table`), is judged from its `RawRow`.
    """

    table: pa.Table
    first: int
    rows: np.ndarray  # int64: row numbers
    lines: np.ndarray  # int64: line in the file, -1 where there is none
    tabular: bool
    known: dict[int, RawRow] = field(default_factory=dict)
    doubt: np.ndarray | None = None
    raws: list[RawRow] | None = None

    @property
    def n(self) -> int:
        return len(self.rows)

    def doubtful(self) -> np.ndarray:
        """Rows to judge one by one: rows with a reading problem, rows in doubt."""
        out = np.zeros(self.n, dtype=bool) if self.doubt is None else self.doubt.copy()
        for k, raw in self.known.items():
            out[k] |= bool(raw.problems)
        if self.raws is not None:
            out |= np.array([bool(raw.problems) for raw in self.raws], dtype=bool)
        return out

    def line(self, k: int) -> int | None:
        value = int(self.lines[k])
        return None if value < 0 else value

    def raw_row(self, k: int) -> RawRow:
        """Row `k` as today's reader gives it."""
        if self.raws is not None:
            return self.raws[k]
        known = self.known.get(k)
        if known is not None:
            return known
        raw = RawRow(self.first + k, int(self.rows[k]), self.line(k))
        if not self.tabular:
            raise ValueError("a structured batch keeps its rows (`raws`)")
        cells: dict[str, Any] = {}
        for name, column in zip(self.table.column_names, self.table.columns, strict=True):
            cells[name] = cell_value(_plain(column[k].as_py()))
        raw.cells = cells
        return raw


def _plain(value: Any) -> Any:
    """A Python value of an Arrow cell as today's readers hold it (a map as a dict)."""
    if isinstance(value, list) and value and all(isinstance(x, tuple) and len(x) == 2 for x in value):
        return dict(value)
    return value


def positions(first: int, n: int) -> np.ndarray:
    """The data-row index of each row of a batch starting at `first`."""
    return np.arange(first, first + n, dtype=np.int64)
