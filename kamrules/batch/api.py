"""`advise_table` and `advise_batches`: the advice of many accounts, column-wise.

`kamrules.api.Engine.advise_table` and `advise_batches` delegate here with the engine's compiled
program (this package sits below the API: it never imports `Engine`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from kamrules import codes
from kamrules.batch import output
from kamrules.batch.accounts import read_accounts
from kamrules.batch.errors import BatchUnsupported
from kamrules.batch.plan import plans_of
from kamrules.batch.run import Result, evaluate
from kamrules.engine.program import Program
from kamrules.errors import Problem, RulesetError


def _as_table(data: Any) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    # A programming error, not a user's: no front end passes anything but the tables it builds.
    raise TypeError(f"advise_table takes an Arrow table or record batch, not {type(data).__name__}")


def advise_table(program: Program, data: Any, *, lang: str, as_of: dt.date, first_row: int = 0) -> pa.Table:
    """The advice of every row of `data` by `program` (see `Engine.advise_table`)."""
    table = _as_table(data)
    rb = program.rb
    plans = plans_of(program)
    # One batch at a time per engine: durable-rules' sessions are shared (their locks are too).
    accounts = read_accounts(table, as_of)
    try:
        result: Result = evaluate(program, plans, accounts.frame)
    except BatchUnsupported as exc:
        problem = Problem(codes.BATCH_UNSUPPORTED, f"{exc}; use Engine.advise or advise_many")
        raise RulesetError("the batch path cannot advise with this rule base:", [problem]) from None
    out = output.table(rb, accounts, result, lang, first_row)
    metadata = {
        b"kamrules.lang": lang.encode(),
        b"kamrules.as_of": as_of.isoformat().encode(),
        b"kamrules.ruleset": f"{rb.name} {rb.version} {rb.digest}".encode(),
    }
    return out.replace_schema_metadata(metadata)


def advise_batches(program: Program, batches: Iterable[Any], *, lang: str, as_of: dt.date) -> Iterator[pa.RecordBatch]:
    """One advice batch per input batch, rows numbered across the stream."""
    first = 0
    for batch in batches:
        table = advise_table(program, batch, lang=lang, as_of=as_of, first_row=first)
        first += table.num_rows
        yield from table.combine_chunks().to_batches() or [pa.RecordBatch.from_pylist([], schema=table.schema)]
