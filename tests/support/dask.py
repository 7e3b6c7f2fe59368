"""Helpers of the Dask tests (tests/dask/): the single-process columnar run of a file as one
Arrow table, beside which the cluster's rows are compared, and a table read back from a Parquet
dataset folder or a Dask DataFrame's pandas rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from kamrules.batch.portfolio.run import ColumnarRun
from kamrules.batch.readers import open_batches
from kamrules.portfolio.run import Request
from kamrules.portfolio.summary import summary_data
from tests.support import AS_OF


def single(path: Path, **options: Any) -> tuple[pa.Table, dict[str, Any]]:
    """The columnar run of `path` in this process (one job): its output rows and summary data."""
    job = ColumnarRun(Request(str(path), options.pop("as_of", AS_OF), **options))
    batches: list[pa.RecordBatch] = []
    with open_batches(path) as source:
        outcome = job.run(source, lambda r: batches.append(r.table))
    return pa.Table.from_batches(batches, schema=job.schema), summary_data(outcome)


def from_pandas(frame: Any, schema: pa.Schema) -> pa.Table:
    """A Dask result's pandas rows as the Arrow table they were made from."""
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def without(table: pa.Table, *names: str) -> pa.Table:
    return table.drop_columns([n for n in names if n in table.column_names])


def summary_but_source(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k != "source"}
