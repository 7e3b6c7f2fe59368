"""A piece's number and date formats, decided as one machine decides a file's (docs/contract.md
§7): the options first, then the column map's own, then what a CSV or XLSX file's cells show.

Each CSV or XLSX file is read once more, whole, by a task on a worker before the first pass
(`read_formats`), and its rows are then read in its own formats: a large CSV file cut into
byte ranges (`kamrules.dask.split`) is read so once, for all its ranges, whose cells alone
could decide otherwise (a range of whole numbers only). Parquet pieces and DataFrames, whose
values are typed, are decided without reading them (`without_reading`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kamrules.batch.portfolio import legacy
from kamrules.batch.portfolio.detect import detect
from kamrules.dask.pieces import FilePiece, local_file
from kamrules.dask.tasks import Shipment, worker_context

READ = ("csv", "xlsx")  # the formats whose numbers and dates may be text in some format


@dataclass(frozen=True)
class PieceFormats:
    """A piece's column map with its formats decided, and how the summary describes the file."""

    colmap: legacy.ColumnMap
    described: str  # "CSV, delimiter ',', encoding utf-8, numbers 1.234,5"

    @property
    def notes(self) -> tuple[Any, ...]:
        return tuple(self.colmap.formats.notes)


def forced(job: Any) -> legacy.Forced:
    """What the options force, else the column map's own (as `ColumnarRun.read_in_formats`)."""
    r, own = job.request, job.colmap.forced
    return legacy.Forced(
        r.decimal if r.decimal is not None else own.decimal,
        r.thousands if r.thousands is not None else own.thousands,
        r.dates if r.dates is not None else own.dates,
    )


def without_reading(job: Any, described: str = "PARQUET") -> PieceFormats:
    """The formats of a piece whose values are typed (Parquet, a DataFrame): the forced ones."""
    colmap = detect(iter(()), job.colmap, forced(job), None)
    return PieceFormats(colmap, _joined(described, colmap.formats.described))


def read_formats(shipment: Shipment, piece: FilePiece, force: legacy.Forced) -> PieceFormats:
    """A task: a whole file's formats, read on the worker as one machine reads them."""
    from kamrules.batch.readers import open_batches

    context = worker_context(shipment)
    with local_file(piece.url) as path, open_batches(path, piece.fmt, piece.encoding, piece.delimiter) as source:
        read = source.batches() if source.format in READ else iter(())
        colmap = detect(read, context.colmap, force, source.delimiter)
        return PieceFormats(colmap, _joined(source.describe(context.lang), colmap.formats.described))


def _joined(*parts: str) -> str:
    return ", ".join(x for x in parts if x)
