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
from kamrules.batch.portfolio import legacy
from kamrules.batch.portfolio.context import Context, loaded
from kamrules.batch.portfolio.facts import PortfolioFacts, ScanPart
from kamrules.batch.portfolio.steps import BatchResult, ErrorRow, advise_batch, scan_batch
from kamrules.batch.portfolio.tally import TallyPart
from kamrules.batch.readers.batch import InputBatch
from kamrules.dask.bundle import RuleBundle, on_worker
from kamrules.dask.duplicates import for_piece, name_first_files
from kamrules.dask.effort import light, shared, totals_only, weigh_in_order
from kamrules.dask.pieces import FilePiece, file_batches, frame_batches
from kamrules.portfolio.effort import EffortTally
from kamrules.portfolio.progress import ProgressRow


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
    name: str | None = None  # the piece's file (duplicates across files name it)


@dataclass
class Reduced:
    """The reduction: the portfolio facts and where each piece starts."""

    facts: PortfolioFacts
    firsts: list[int]
    counts: list[int]
    names: list[str | None] = field(default_factory=list)  # each piece's file


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
    progress: list[ProgressRow] = field(default_factory=list)  # advised rows with a plan compared
    light: list[pa.RecordBatch] = field(default_factory=list)  # what the effort totals need (effort.py)


@functools.cache
def _process_setup() -> None:
    """Once a worker process: the system allocator, which gives each batch's memory back
    (Arrow's default pool keeps it; `kamrules.batch.portfolio.run` does the same)."""
    pa.set_memory_pool(pa.system_memory_pool())


def _context(shipment: Shipment, name: str | None, colmap: legacy.ColumnMap | None = None) -> Context:
    """The run's context on this worker; `colmap`: the piece's own, its formats decided."""
    _process_setup()
    context = on_worker(shipment.context, shipment.bundle)
    loaded(context.rules)  # compiled once a process: the cache is keyed by the bundle's folder
    if colmap is not None:
        context = dataclasses.replace(context, colmap=colmap)
    return context if name is None else dataclasses.replace(context, name=name)


def worker_context(shipment: Shipment) -> Context:
    """The run's context on this worker (its rule bases compiled once a process)."""
    return _context(shipment, None)


def _batches(piece: Any, first: int) -> Iterator[InputBatch]:
    return file_batches(piece, first) if isinstance(piece, FilePiece) else frame_batches(piece, first)


def _name(piece: Any) -> str | None:
    return piece.name if isinstance(piece, FilePiece) else None


def scan_piece(shipment: Shipment, piece: Any, colmap: legacy.ColumnMap | None = None) -> PieceScan:
    """First pass over a piece (a `FilePiece` or a pandas partition); `colmap` the piece's
    column map with its formats decided (`kamrules.dask.formats`), else the run's."""
    context = _context(shipment, _name(piece), colmap)
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
    return PieceScan(rows, parts, not isinstance(piece, FilePiece), _name(piece))


def combine(scans: Iterable[PieceScan]) -> Reduced:
    """The portfolio facts of every piece's scan, given in piece order."""
    shifted: list[ScanPart] = []
    firsts: list[int] = []
    counts: list[int] = []
    names: list[str | None] = []
    first = 0
    for scan in scans:
        firsts.append(first)
        counts.append(scan.rows)
        names.append(scan.name)
        for part in scan.parts:
            row = part.row + first if scan.numbered_across else part.row
            shifted.append(dataclasses.replace(part, index=part.index + first, row=row))
        first += scan.rows
    facts = PortfolioFacts.combine(shifted)
    name_first_files(facts, firsts, names)
    give_back()
    return Reduced(facts, firsts, counts, names)


def cut(reduced: Reduced, k: int) -> Cut:
    """What piece `k` needs of the reduction."""
    first, rows = reduced.firsts[k], reduced.counts[k]
    name = reduced.names[k] if reduced.names else None
    return Cut(for_piece(reduced.facts.for_rows(first, rows), name), first, rows)


def advise_piece(
    shipment: Shipment, share: Cut, piece: Any, index: int, output: Output, colmap: legacy.ColumnMap | None = None
) -> PieceResult:
    """Second pass over a piece: see `Output` for what becomes of its rows."""
    context = _context(shipment, _name(piece), colmap)
    result = PieceResult(index, share.first, share.rows, context.name)
    with _Emit(output, index, loaded(context.rules).schema, result) as emit:
        for batch in _batches(piece, share.first):
            done = _advise(context, share.facts, batch, shipment.keep_points)
            result.tallies.append(done.tally)
            result.errors.extend(done.errors)
            result.progress.extend(done.progress)
            if done.table is not None:
                emit(done.table)
            give_back()
    if result.rows != sum(t.rows for t in result.tallies):  # the piece changed between the passes
        raise RuntimeError(f"{result.name}: {result.rows} rows in the first pass, another number in the second")
    return result


def weights_of(result: PieceResult) -> PieceResult:
    """An advised piece as the client first receives it when effort is shared out: its error
    rows, counts and the few columns the effort totals need, without its rows (which stay on
    the worker until `share_piece`)."""
    return dataclasses.replace(result, tables=[], encoded=[], light=light(result.tables))


def share_piece(shipment: Shipment, result: PieceResult, totals: EffortTally | None, output: Output) -> PieceResult:
    """An advised piece's rows with their effort shares (`totals`: the whole portfolio's
    weights; None: none to share), then kept, encoded or written as `output` asks."""
    done = dataclasses.replace(result, tables=[], encoded=[], light=[])
    schema = loaded(_context(shipment, None).rules).schema
    with _Emit(output, result.index, schema, done) as emit:
        for table in shared(result.tables, totals, result.first):
            emit(table)
    return done


class _Emit:
    """What becomes of a piece's output batches (`Output`), its dataset part committed only
    when every batch is in."""

    def __init__(self, output: Output, index: int, schema: pa.Schema, result: PieceResult) -> None:
        self.output, self.index, self.schema, self.result = output, index, schema, result
        self.writer: _PartWriter | None = None

    def __enter__(self) -> _Emit:
        if self.output.mode == "dataset":
            self.writer = _PartWriter(self.output.folder, self.index, self.schema)
        return self

    def __call__(self, table: pa.RecordBatch) -> None:
        if self.writer is not None:
            self.writer.write(table)
        elif self.output.mode == "encoded":
            self.result.encoded.append(self.output.encode(table))
        elif self.output.mode == "table":
            self.result.tables.append(table)

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if self.writer is None:
            return
        try:
            if kind is None:
                self.writer.commit()
        finally:
            self.writer.discard()


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


def advise_frame(shipment: Shipment, share: Cut, frame: Any) -> PieceResult:
    """Second pass over a pandas partition: its output rows, kept (Arrow batches)."""
    return advise_piece(shipment, share, frame, 0, Output("table"))


def effort_totals(template: EffortTally, pieces: list[PieceResult]) -> EffortTally:
    """The portfolio's effort totals from every partition's light columns, in partition order."""
    tally = totals_only(template)
    weigh_in_order(tally, (piece.light for piece in pieces))
    return tally


def frame_of(shipment: Shipment, result: PieceResult, totals: EffortTally | None) -> Any:
    """A partition's output rows, their effort shared out, as a pandas DataFrame (Arrow types)."""
    import pandas as pd

    done = share_piece(shipment, result, totals, Output("table"))
    schema = loaded(_context(shipment, None).rules).schema
    table = pa.Table.from_batches(done.tables, schema=schema)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def empty_frame(schema: pa.Schema) -> Any:
    """The output's pandas meta (no rows, the columns' Arrow types)."""
    import pandas as pd

    return schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
