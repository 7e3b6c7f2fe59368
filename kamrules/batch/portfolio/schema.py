"""The Arrow schema of the per-account output rows: today's columns, typed.

The columns are `kamrules.portfolio.flatten.columns` (the row, the account facts the matrices
read, the advice, the place in the portfolio, the sector, the portfolio rule base's decisions);
each gets the type of what it holds: whole numbers for `row`, float64 for numbers, date32 for
dates, true/false, list<string> for a list, text for the rest. The writers turn them into
today's cells (a date as ISO text, a whole float as an integer in CSV...).
"""

from __future__ import annotations

import pyarrow as pa

from kamrules.batch.leaves import account_leaves
from kamrules.language.rulebase import RuleBase
from kamrules.portfolio.outcolumns import BY_NAME

PROGRESS_PREFIX = "plan.objectives."

_KINDS = {"number": pa.float64(), "date": pa.date32(), "boolean": pa.bool_(), "list": pa.list_(pa.string())}
# The columns that are neither the portfolio rule base's facts nor the account's: their kind in
# the output column table (kamrules.portfolio.outcolumns).
_NUMBERS = ("money", "percent", "score", "years", "number")


def column_type(rb: RuleBase, name: str) -> pa.DataType:
    """The type of output column `name` for the portfolio rule base `rb`."""
    if name == "row":
        return pa.int64()
    if name in rb.derived:
        return _KINDS.get(rb.derived[name].type.kind, pa.string())
    known = BY_NAME.get(name)
    if known is not None and known.name.startswith(PROGRESS_PREFIX):
        return pa.int64()  # how many objectives: whole numbers, as the per-row cells hold them
    if known is not None and known.kind in _NUMBERS and not name.startswith(("business.", "assessment.")):
        return pa.float64()
    if name == "plan.exists":
        return pa.bool_()
    leaf = account_leaves().get(name)
    if leaf is not None and leaf.kind in ("number", "date"):
        return pa.float64() if leaf.kind == "number" else pa.date32()
    return pa.string()


def output_schema(rb: RuleBase, columns: list[str]) -> pa.Schema:
    return pa.schema([(name, column_type(rb, name)) for name in columns])
