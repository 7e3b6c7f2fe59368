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

_KINDS = {"number": pa.float64(), "date": pa.date32(), "boolean": pa.bool_(), "list": pa.list_(pa.string())}
_NUMBERS = {
    "scores.attractiveness",
    "scores.relative_strength",
    "portfolio.revenue_share",
    "portfolio.cumulative_share_before",
    "sector.attractiveness",
    "sector.adaptability",
}


def column_type(rb: RuleBase, name: str) -> pa.DataType:
    """The type of output column `name` for the portfolio rule base `rb`."""
    if name == "row":
        return pa.int64()
    if name in _NUMBERS:
        return pa.float64()
    if name == "plan.exists":
        return pa.bool_()
    if name in rb.derived:
        return _KINDS.get(rb.derived[name].type.kind, pa.string())
    leaf = account_leaves().get(name)
    if leaf is not None and leaf.kind in ("number", "date"):
        return pa.float64() if leaf.kind == "number" else pa.date32()
    return pa.string()


def output_schema(rb: RuleBase, columns: list[str]) -> pa.Schema:
    return pa.schema([(name, column_type(rb, name)) for name in columns])
