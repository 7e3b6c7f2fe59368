"""`advise_table` and `advise_batches`: the advice of many accounts, column-wise."""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from kamrules.batch import output, plan
from kamrules.batch.accounts import read_accounts
from kamrules.batch.run import Result, evaluate
from kamrules.batch.stage import BatchUnsupported
from kamrules.engine.program import Program
from kamrules.errors import KamError

_PLANS: weakref.WeakKeyDictionary[Program, list[plan.PassPlan]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def plans_of(program: Program) -> list[plan.PassPlan]:
    """The batch plan of a program, compiled on first use and kept as long as the program."""
    with _LOCK:
        known = _PLANS.get(program)
        if known is None:
            known = _PLANS[program] = plan.build(program)
        return known


def _as_table(data: Any) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    raise KamError(f"advise_table takes an Arrow table or record batch, found {type(data).__name__}")


def advise_table(engine: Any, data: Any, *, lang: str, as_of: dt.date, first_row: int = 0) -> pa.Table:
    """The advice of every row of `data` (see `Engine.advise_table`)."""
    table = _as_table(data)
    rb = engine.rulebase
    plans = plans_of(engine.program)
    # One batch at a time per engine: durable-rules' sessions are shared (their locks are too).
    accounts = read_accounts(table, as_of)
    try:
        result: Result = evaluate(rb, plans, accounts.frame)
    except BatchUnsupported as exc:
        raise KamError(
            f"the batch path cannot advise with this rule base: {exc}; use Engine.advise or advise_many"
        ) from None
    out = output.table(rb, accounts, result, lang, first_row)
    metadata = {
        b"kamrules.lang": lang.encode(),
        b"kamrules.as_of": as_of.isoformat().encode(),
        b"kamrules.ruleset": f"{rb.name} {rb.version} {rb.digest}".encode(),
    }
    return out.replace_schema_metadata(metadata)


def advise_batches(engine: Any, batches: Iterable[Any], *, lang: str, as_of: dt.date) -> Iterator[pa.RecordBatch]:
    """One advice batch per input batch, rows numbered across the stream."""
    first = 0
    for batch in batches:
        table = advise_table(engine, batch, lang=lang, as_of=as_of, first_row=first)
        first += table.num_rows
        yield from table.combine_chunks().to_batches() or [pa.RecordBatch.from_pylist([], schema=table.schema)]
