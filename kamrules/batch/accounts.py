"""From an input table to the frame of valid accounts, and the error of each invalid row.

The column-wise checks (`validate.check_table`) vouch for most rows; the others are read one by
one (`cells.row_facts`) and validated as `Engine.advise` validates an account, so that an
invalid row's error is the one `Engine.advise` raises for it (message, fields, codes), and a
valid row it doubted is taken with exactly the values the per-account path would use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from kamrules.batch import frame as fr
from kamrules.batch.cells import flatten_groups, row_facts
from kamrules.batch.leaves import account_groups, account_leaves
from kamrules.batch.validate import canonical_rows, check_table
from kamrules.errors import FactsError
from kamrules.model.account import Account
from kamrules.model.validate import validate_account


@dataclass
class Accounts:
    """The valid rows (`rows`: their positions in the input) as a frame, and the invalid ones."""

    n: int
    rows: np.ndarray
    frame: fr.Frame
    ids: pa.Array  # id and name of the valid rows
    names: pa.Array
    errors: dict[int, tuple[FactsError, Any, Any]]  # input row -> (error, id, name as written)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value).strip() or None


def read_accounts(
    table: pa.Table,
    as_of: dt.date,
    *,
    doubt: np.ndarray | None = None,
    account_of: Callable[[int], Account | None] | None = None,
) -> Accounts:
    """Check and convert every row of `table` (columns: the facts' dotted paths).

    A caller that knows better than the table what some rows mean (a column map, a reader
    that read a row one by one) marks them in `doubt` and gives `account_of`: every row the
    column-wise checks cannot vouch for is then that function's account (None: the row is
    invalid, and the caller says why), instead of the account read from the table's cells."""
    table = flatten_groups(table)
    n = table.num_rows
    checked = check_table(table)
    if doubt is not None:
        checked.slow |= doubt
    leaves = account_leaves()
    arrays = checked.arrays
    given = {g: np.zeros(n, dtype=bool) for g in account_groups()}
    for path, array in arrays.items():
        group = leaves[path].group
        if group is not None:
            given[group] |= np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    errors: dict[int, tuple[FactsError, Any, Any]] = {}
    slow_rows = np.flatnonzero(checked.slow)
    fixed: list[int] = []
    fixed_values: dict[str, list[Any]] = {path: [] for path in leaves}
    for row in slow_rows.tolist():  # only the rows the column-wise checks could not vouch for
        if account_of is not None:
            judged = account_of(row)
            if judged is None:
                errors[row] = (FactsError("refused by the caller", []), None, None)
                continue
            account = judged
        else:
            facts = row_facts(table, row)
            try:
                account = validate_account(facts)
            except FactsError as exc:
                errors[row] = (exc, _text(facts.get("id")), _text(facts.get("name")))
                continue
        fixed.append(row)
        for path in leaves:
            group, _, key = path.rpartition(".")
            holder = getattr(account, group) if group else account
            fixed_values[path].append(None if holder is None else getattr(holder, key))
        for g, mask in given.items():
            mask[row] = getattr(account, g) is not None
    if fixed:
        index = np.arange(n)
        index[np.array(fixed)] = n + np.arange(len(fixed))
        take = pa.array(index)
        for path, leaf in leaves.items():
            extra = canonical_rows(fixed_values[path], leaf)
            arrays[path] = pa.concat_arrays([arrays[path], extra]).take(take)
    valid = np.ones(n, dtype=bool)
    if errors:
        valid[np.array(sorted(errors))] = False
    rows = np.flatnonzero(valid)
    keep = pa.array(rows)
    columns: dict[str, fr.Column] = {}
    for path, leaf in leaves.items():
        array = arrays[path].take(keep) if len(rows) < n else arrays[path]
        columns[path] = _column(leaf.kind, array)
    for g in given:
        members = {p: c for p, c in columns.items() if p.startswith(g + ".")}
        columns[g] = fr.Group(given[g][rows], members)
    frame = fr.Frame(len(rows), as_of, columns)
    ids = arrays["id"].take(keep) if len(rows) < n else arrays["id"]
    names = arrays["name"].take(keep) if len(rows) < n else arrays["name"]
    return Accounts(n, rows, frame, ids, names, errors)


def _column(kind: str, array: pa.Array) -> fr.Column:
    if kind == "number":
        return fr.number_column(array)
    if kind == "date":
        return fr.date_column(array)
    if kind in ("text", "choice"):
        return fr.text_column(array)
    if kind == "boolean":
        return fr.bool_column(array)
    return fr.Lst(array, mapping=kind == "mapping")
