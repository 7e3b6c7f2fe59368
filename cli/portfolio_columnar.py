"""`kam portfolio` on the columnar run (kamrules.batch.portfolio, issue 16): the same rows, error
rows, summary, report and exit code as the per-row run, several times faster; and `--out
FILE.parquet`, which only it writes.

It serves every option but `--scores portfolio` (ranking every account against the portfolio
needs every account's scores before the first is advised: a pass the per-row run makes) and
needs pyarrow (the `batch` extra): without it, or with that option, the per-row run serves.
An XLSX input keeps the per-row run too (openpyxl reads it row by row either way). It serves
files from `COLUMNAR_FROM` bytes (and every Parquet file): below that the per-row run
is as fast (pyarrow's import and the batch engine's fixed cost per batch weigh as much as the
rows), and its error handling row by row is the one the small tests pin down.
`KAMRULES_COLUMNAR_FROM` (bytes) moves the threshold: 0 for every file, a huge number for none.
Standard input and pipes are read by the per-row run (they can be read only once).
"""

from __future__ import annotations

import importlib.util
import os
import stat
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from kamrules.batch.portfolio.run import ColumnarRun
    from kamrules.batch.portfolio.steps import BatchResult
    from kamrules.portfolio.run import Outcome, Request

    from .portfolio_outputs import Outputs, Rows

PARQUET = "parquet"
# Bytes of input (about 300 accounts): where the two runs take the same time. Measured with
# `kam portfolio` on generated CSV files (tests/support/columnar_inputs.py), wall time per-row
# against columnar: 300 accounts (64 KB) 1.31 s and 1.30 s, 1,000 (218 KB) 2.61 s and 1.48 s,
# 3,000 (652 KB) 6.36 s and 1.78 s.
COLUMNAR_FROM = 64 * 1024


def parquet_out(out: str | None) -> bool:
    """Whether --out names a Parquet file (.parquet, .parq, .pq)."""
    return bool(out) and str(out).lower().endswith((".parquet", ".parq", ".pq"))


def columnar_serves(request: Request, parquet: bool = False) -> str | None:
    """Why the columnar run does not serve `request` (None: it does); `parquet`: the rows go to
    a Parquet file, which only it writes, whatever the input's size."""
    if not parquet and _size(request.path) < _threshold():
        return "the input is small"
    if not parquet and (request.fmt == "xlsx" or str(request.path).lower().endswith(".xlsx")):
        # openpyxl reads a workbook row by row either way; the per-row run keeps its reading of a
        # hostile workbook within the memory docs/security.md measures (pyarrow adds about 40 MB).
        return "an XLSX workbook is read row by row"
    if request.snapshots:
        return "--record and --compare keep each account's history snapshot, which the per-row run builds"
    if request.scores == "portfolio":
        return "--scores portfolio ranks the accounts against the whole portfolio first"
    if importlib.util.find_spec("pyarrow") is None:
        return "pyarrow is not installed (pip install 'kamrules[batch]')"
    return None


def _threshold() -> int:
    raw = os.environ.get("KAMRULES_COLUMNAR_FROM", "")
    return int(raw) if raw.isdigit() else COLUMNAR_FROM


def _size(path: str) -> int:
    """The input's size in bytes; a Parquet file counts as large, standard input as small."""
    from pathlib import Path

    if path == "-":
        return -1
    try:
        found = Path(path).stat()
        if not stat.S_ISREG(found.st_mode):
            return -1  # a pipe (`<(export)`) is read once, by the per-row run: no peeking at it
        with open(path, "rb") as handle:
            if handle.read(4) == b"PAR1":
                return 1 << 62
        return found.st_size
    except OSError:
        return -1  # the per-row run says what is wrong with it


def columnar_job(request: Request) -> ColumnarRun:
    from kamrules.batch.portfolio.run import ColumnarRun

    return ColumnarRun(request)


def run_columnar(
    rows: Rows,
    job: ColumnarRun,
    where: Outputs,
    delimiter: str,
    *,
    raw_cells: bool,
    machine_headers: bool,
    parquet_file: str | None = None,
) -> Outcome:
    """Advise every row column-wise into the rows' file (CSV, JSON Lines, XLSX, Parquet) or
    standard output, or nowhere when only the summary is wanted; see `Rows.run`."""
    from kamrules.batch.readers import open_batches

    r = job.request
    fmt = PARQUET if parquet_file else where.rows_format
    target = parquet_file or where.rows_file
    with open_batches(r.path, r.fmt, r.encoding, r.delimiter) as source:
        if target and fmt:
            from kamrules.batch.writers import batch_writer, encoder

            sheet: Any = job.sheet_spec(machine=machine_headers) if fmt == "xlsx" else "accounts"
            with batch_writer(target, fmt, job.schema, delimiter=delimiter, sheet=sheet, raw_cells=raw_cells) as writer:
                encode = encoder(fmt, delimiter, raw_cells)
                return _run(rows, job, source, writer.write, encode)
        if where.rows_to_stdout and fmt:
            from kamrules.batch.writers import encoder, stream_writer

            out = stream_writer(sys.stdout, fmt, job.schema, delimiter=delimiter, raw_cells=raw_cells)
            return _run(rows, job, source, out.write, encoder(fmt, delimiter, raw_cells))
        return _run(rows, job, source, None, None)


def _run(
    rows: Rows,
    job: ColumnarRun,
    source: Any,
    write: Callable[[Any, bytes | None], None] | None,
    encode: Callable[[Any], bytes] | None,
) -> Outcome:
    from kamrules.portfolio.evaluate import INTERNAL

    def on_batch(result: BatchResult) -> None:
        if write is not None:
            write(result.table, result.encoded)
        for error in result.errors:
            rows.report(error.row, error.problems)
            if any(p.code == INTERNAL for p in error.problems):
                rows.crashed.append(error.row)

    shown = [0]

    def progress(done: int, total: int) -> None:
        rows.advance(done - shown[0], total)
        shown[0] = done

    with rows.closing():
        keep = write is not None and encode is None
        return job.run(
            source, on_batch, encode=encode if write is not None else None, keep_table=keep, progress=progress
        )


def refuse_parquet_without_columns(reason: str | None) -> None:
    """--out FILE.parquet with an option the columnar run cannot serve: a usage error (exit 2)."""
    if reason is not None:
        raise click.BadParameter(
            f"a Parquet file is written by the columnar run only, and {reason}", param_hint="--out"
        )
