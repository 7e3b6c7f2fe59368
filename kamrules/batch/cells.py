"""What a row of an input table means: the account facts `Engine.advise` would be given.

A table's columns are the facts' dotted paths (`business.revenue`); a struct column named after a
group (`business`) stands for its fields. Each cell is read as `kam portfolio` reads a CSV cell
(`kamrules.io.rows.cell_value`): a text is stripped, a blank text is an absent fact, a text
starting with `[` or `{` is a list or a mapping (JSON, or YAML's flow style); other cells are
taken as they are, a struct as a mapping without its null fields, a map as a mapping. The row's
facts are then nested (`business.revenue` into `business`), null cells left out.

`row_facts` is that reading, one row at a time: it is the reference the column-wise path is
tested against, and the path a row takes when the column-wise checks cannot vouch for it.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from kamrules.batch.leaves import account_groups
from kamrules.io.rows import cell_value, nest


def flatten_groups(table: pa.Table) -> pa.Table:
    """Expand struct columns named after a group of facts into one column per field."""
    groups = set(account_groups())
    if not any(name in groups and pa.types.is_struct(table.schema.field(name).type) for name in table.column_names):
        return table
    names: list[str] = []
    columns: list[Any] = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name in groups and pa.types.is_struct(column.type):
            for k in range(column.type.num_fields):
                names.append(f"{name}.{column.type.field(k).name}")
                columns.append(pa.chunked_array([chunk.field(k) for chunk in column.chunks], column.type.field(k).type))
        else:
            names.append(name)
            columns.append(column)
    return pa.table(columns, names=names)


def plain(value: Any) -> Any:
    """An Arrow cell's Python value as facts hold it: a struct without its null fields, a map as
    a dict (its last value for a key given twice)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        if value and all(isinstance(x, tuple) and len(x) == 2 for x in value):
            return {k: plain(v) for k, v in value}
        return [plain(v) for v in value]
    return value


def cell(column: pa.ChunkedArray | pa.Array, row: int) -> Any:
    """One cell, read as the module docstring says."""
    scalar = column[row]
    value = scalar.as_py()
    if pa.types.is_map(column.type) and value is not None:
        return {k: plain(v) for k, v in value}
    return cell_value(plain(value))


def row_facts(table: pa.Table, row: int) -> dict[str, Any]:
    """The facts of one row (of a table already through `flatten_groups`)."""
    flat = {name: cell(column, row) for name, column in zip(table.column_names, table.columns, strict=True)}
    return nest(flat)
