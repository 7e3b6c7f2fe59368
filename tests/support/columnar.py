"""Helpers of the columnar portfolio tests: today's `kam portfolio` run and the columnar run on
one input, side by side: the output file's bytes (CSV, JSON Lines) or cells (XLSX), every error
row's number, line, column, code and message, and the summary (its data and its Markdown)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamrules.batch.portfolio.run import ColumnarRun
from kamrules.batch.readers import open_batches
from kamrules.batch.writers import batch_writer, encoder
from kamrules.io.outputs import row_writer
from kamrules.portfolio.run import PortfolioRun, Request
from kamrules.portfolio.summary import render_summary, summary_data
from tests.support import AS_OF


@dataclass
class Side:
    """What one run gave: its output file, its error rows, its summary."""

    out: Path
    problems: list[tuple[Any, ...]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    markdown: str = ""


def _request(path: Path, **options: Any) -> Request:
    options.setdefault("as_of", AS_OF)
    as_of: dt.date = options.pop("as_of")
    return Request(str(path), as_of, **options)


def today(path: Path, out: Path, fmt: str = "csv", *, delimiter: str = ",", **options: Any) -> Side:
    side = Side(out)
    job = PortfolioRun(_request(path, **options))

    def on_row(result: Any) -> None:
        sink.write(result.cells)
        for p in result.problems:
            side.problems.append((result.row, p.line, p.column, p.code, p.message))

    with row_writer(out, fmt, job.columns, delimiter=delimiter) as sink:
        outcome = job.run(on_row)
    side.summary, side.markdown = summary_data(outcome), render_summary(outcome)
    return side


def columnar(
    path: Path, out: Path, fmt: str = "csv", *, delimiter: str = ",", size: int = 16384, **options: Any
) -> Side:
    side = Side(out)
    request = _request(path, **options)
    job = ColumnarRun(request)
    with (
        open_batches(path, request.fmt, request.encoding, request.delimiter, size=size) as source,
        batch_writer(out, fmt, job.schema, delimiter=delimiter) as writer,
    ):
        encode = encoder(fmt, delimiter)

        def on_batch(result: Any) -> None:
            writer.write(result.table, result.encoded)
            for error in result.errors:
                for p in error.problems:
                    side.problems.append((error.row, p.line, p.column, p.code, p.message))

        outcome = job.run(source, on_batch, encode=encode, keep_table=encode is None)
    side.summary, side.markdown = summary_data(outcome), render_summary(outcome)
    return side


def xlsx_cells(path: Path) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def differences(path: Path, tmp: Path, fmt: str = "csv", **options: Any) -> list[str]:
    """Where the columnar run differs from today's on `path` (empty: nowhere)."""
    size = options.pop("size", 16384)
    want = today(path, tmp / f"today.{fmt}", fmt, **{k: v for k, v in options.items()})
    got = columnar(path, tmp / f"columnar.{fmt}", fmt, size=size, **options)
    found: list[str] = []
    if fmt == "xlsx":
        a, b = xlsx_cells(want.out), xlsx_cells(got.out)
    else:
        a, b = want.out.read_bytes().splitlines(), got.out.read_bytes().splitlines()  # type: ignore[assignment]
    if a != b:
        at = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        found.append(f"output differs from line {at + 1} ({len(a)} against {len(b)} lines)")
    if want.problems != got.problems:
        extra = [p for p in got.problems if p not in want.problems][:3]
        missing = [p for p in want.problems if p not in got.problems][:3]
        found.append(f"error rows differ: missing {missing}, extra {extra}")
    if want.summary != got.summary:
        keys = [k for k in want.summary if want.summary[k] != got.summary.get(k)]
        found.append(f"summary differs in {keys}")
    if want.markdown != got.markdown:
        found.append("Markdown summary differs")
    return found
