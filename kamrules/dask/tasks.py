"""What the tasks of a run do on a worker: the batch engine's two passes over one piece, and the
reduction between them.

Every task receives the run's `Shipment` (the rule bundle and the context: shipped to each
worker once, see `kamrules.dask.bundle`) and a piece. `scan_piece` is the first pass
(`kamrules.batch.portfolio.steps.scan_batch` over the piece's batches); `combine` reduces every
piece's scan, in piece order, to the portfolio facts (`PortfolioFacts.combine`) and each piece's
first row; `cut` gives a piece the facts its rows need; `advise_piece` is the second pass
(`advise_batch`), giving the piece's output rows (kept, encoded, or written to its part of a
Parquet dataset), its error rows and its part of the summary's counts.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from kamrules.batch.memory import give_back
from kamrules.batch.portfolio.context import Context, loaded
from kamrules.batch.portfolio.facts import PortfolioFacts, ScanPart
from kamrules.batch.portfolio.steps import BatchResult, ErrorRow, advise_batch, scan_batch
from kamrules.batch.portfolio.tally import TallyPart
from kamrules.batch.readers.batch import InputBatch
from kamrules.dask.bundle import RuleBundle, on_worker
from kamrules.dask.pieces import FilePiece, file_batches, frame_batches


@dataclass(frozen=True)
class Shipment:
    """What every task of a run needs and each worker receives once."""

    bundle: RuleBundle
    context: Context  # its rules as the client names them; a worker uses its own copy's
    keep_points: bool = False


@dataclass(frozen=True)
class Output:
    """What a second-pass task does with its rows: `table` keeps them (Arrow), `encoded` keeps
    their bytes (`encode`), `dataset` writes them to `folder`/part-NNNNN.parquet, `none` drops
    them (only the summary is wanted)."""

    mode: str = "table"
    encode: Any = None
    folder: str | None = None


@dataclass
class PieceScan:
    """The first pass over a piece: its rows, and its accounts' parts from index 0."""

    rows: int
    parts: list[ScanPart]
    numbered_across: bool  # row numbers count across the portfolio (a DataFrame), not the file


@dataclass
class Reduced:
    """The reduction: the portfolio facts and where each piece starts."""

    facts: PortfolioFacts
    firsts: list[int]
    counts: list[int]


@dataclass
class Cut:
    """A piece's share of the reduction."""

    facts: PortfolioFacts
    first: int
    rows: int


@dataclass
class PieceResult:
    """The second pass over a piece (its batches' results, the rows as `Output` asked)."""

    index: int
    first: int
    rows: int
    name: str
    tallies: list[TallyPart] = field(default_factory=list)
    errors: list[ErrorRow] = field(default_factory=list)
    tables: list[pa.RecordBatch] = field(default_factory=list)
    encoded: list[bytes] = field(default_factory=list)


@functools.cache
def _process_setup() -> None:
    """Once a worker process: the system allocator, which gives each batch's memory back
    (Arrow's default pool keeps it; `kamrules.batch.portfolio.run` does the same)."""
    pa.set_memory_pool(pa.system_memory_pool())


def _context(shipment: Shipment, name: str | None) -> Context:
    _process_setup()
    context = on_worker(shipment.context, shipment.bundle)
    loaded(context.rules)  # compiled once a process: the cache is keyed by the bundle's folder
    return context if name is None else dataclasses.replace(context, name=name)


def _batches(piece: Any, first: int) -> Iterator[InputBatch]:
    return file_batches(piece, first) if isinstance(piece, FilePiece) else frame_batches(piece, first)


def _name(piece: Any) -> str | None:
    return piece.name if isinstance(piece, FilePiece) else None


def scan_piece(shipment: Shipment, piece: Any) -> PieceScan:
    """First pass over a piece (a `FilePiece` or a pandas partition)."""
    context = _context(shipment, _name(piece))
    parts = []
    rows = 0
    for batch in _batches(piece, 0):
        try:
            parts.append(scan_batch(context, batch))
        except Exception:  # a bug met on some row: today's row-by-row path finds which (as run.py)
            from kamrules.batch.portfolio.fallback import scan_rows

            parts.append(scan_rows(context, batch))
        rows += batch.n
        give_back()
    return PieceScan(rows, parts, not isinstance(piece, FilePiece))


def combine(scans: Iterable[PieceScan]) -> Reduced:
    """The portfolio facts of every piece's scan, given in piece order."""
    shifted: list[ScanPart] = []
    firsts: list[int] = []
    counts: list[int] = []
    first = 0
    for scan in scans:
        firsts.append(first)
        counts.append(scan.rows)
        for part in scan.parts:
            row = part.row + first if scan.numbered_across else part.row
            shifted.append(dataclasses.replace(part, index=part.index + first, row=row))
        first += scan.rows
    facts = PortfolioFacts.combine(shifted)
    give_back()
    return Reduced(facts, firsts, counts)


def cut(reduced: Reduced, k: int) -> Cut:
    """What piece `k` needs of the reduction."""
    first, rows = reduced.firsts[k], reduced.counts[k]
    return Cut(reduced.facts.for_rows(first, rows), first, rows)


def advise_piece(shipment: Shipment, share: Cut, piece: Any, index: int, output: Output) -> PieceResult:
    """Second pass over a piece: see `Output` for what becomes of its rows."""
    context = _context(shipment, _name(piece))
    result = PieceResult(index, share.first, share.rows, context.name)
    writer = _PartWriter(output.folder, index, loaded(context.rules).schema) if output.mode == "dataset" else None
    try:
        for batch in _batches(piece, share.first):
            done = _advise(context, share.facts, batch, shipment.keep_points)
            result.tallies.append(done.tally)
            result.errors.extend(done.errors)
            if done.table is not None:
                if writer is not None:
                    writer.write(done.table)
                elif output.mode == "encoded":
                    result.encoded.append(output.encode(done.table))
                elif output.mode == "table":
                    result.tables.append(done.table)
            give_back()
        if writer is not None:
            writer.commit()
    finally:
        if writer is not None:
            writer.discard()
    if result.rows != sum(t.rows for t in result.tallies):  # the piece changed between the passes
        raise RuntimeError(f"{result.name}: {result.rows} rows in the first pass, another number in the second")
    return result


def _advise(context: Context, facts: PortfolioFacts, batch: InputBatch, keep_points: bool) -> BatchResult:
    try:
        return advise_batch(context, facts, batch, keep_points=keep_points)
    except Exception:  # as `kamrules.batch.portfolio.run._advise_one`: the row with the bug is found
        from kamrules.batch.portfolio.fallback import advise_rows

        return advise_rows(context, facts, batch, keep_points)


class _PartWriter:
    """A piece's part of a Parquet dataset folder: written to a hidden temporary name and
    renamed when complete, so that a task run twice (its worker died) leaves one part."""

    def __init__(self, folder: str | None, index: int, schema: pa.Schema) -> None:
        import uuid

        import fsspec
        import pyarrow.parquet as pq

        assert folder is not None
        self.fs, root = fsspec.core.url_to_fs(folder)
        self.target = f"{root.rstrip('/')}/{part_name(index)}"
        self.temporary = f"{root.rstrip('/')}/.{part_name(index)}.{uuid.uuid4().hex}.tmp"
        self.handle = self.fs.open(self.temporary, "wb")
        self.writer: Any = pq.ParquetWriter(self.handle, schema, compression="zstd")
        self.done = False

    def write(self, batch: pa.RecordBatch) -> None:
        self.writer.write_batch(batch)

    def commit(self) -> None:
        self.writer.close()
        self.handle.close()
        self.fs.mv(self.temporary, self.target)
        self.done = True

    def discard(self) -> None:
        if self.done:
            return
        import contextlib

        with contextlib.suppress(Exception):
            self.writer.close()
            self.handle.close()
        with contextlib.suppress(Exception):
            self.fs.rm(self.temporary)


def tidy(folder: str) -> None:
    """Remove from a finished dataset folder the parts a killed task left half-written (its
    rerun, elsewhere, wrote the whole part)."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(folder)
    for path in fs.ls(root, detail=False):
        name = path.rstrip("/").rpartition("/")[2]
        if name.startswith(".part-") and name.endswith(".tmp"):
            fs.rm(path)


def part_name(index: int) -> str:
    """The file name of a piece's part in a Parquet dataset folder (sorted as the pieces)."""
    return f"part-{index:05d}.parquet"


def advise_frame(shipment: Shipment, share: Cut, frame: Any) -> Any:
    """Second pass over a pandas partition: its output rows as a pandas DataFrame (Arrow types)."""
    import pandas as pd

    result = advise_piece(shipment, share, frame, 0, Output("table"))
    schema = loaded(_context(shipment, None).rules).schema
    table = pa.Table.from_batches(result.tables, schema=schema)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def empty_frame(schema: pa.Schema) -> Any:
    """The output's pandas meta (no rows, the columns' Arrow types)."""
    import pandas as pd

    return schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
