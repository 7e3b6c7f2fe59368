"""Per-account output rows written batch by batch, in bounded memory: CSV and JSON Lines (the
same bytes as today's writers), Parquet (new: the typed columns as they are) and XLSX (today's
writer, row by row: a workbook is written cell by cell whatever the library).

Files appear complete or not at all (`kamrules.io.atomic`): the rows go to a temporary file
renamed over the target when the block ends without an error. A CSV or JSON Lines writer
takes the batches' bytes already encoded (`encoder`: a worker process encodes its own batches),
or encodes them itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyarrow as pa

from kamrules.batch.writers.encode import csv_header, encode_csv, encode_jsonl

if TYPE_CHECKING:
    from kamrules.io.workbook import SheetSpec

FORMATS = ("csv", "xlsx", "jsonl", "parquet")
BOM = b"\xef\xbb\xbf"  # UTF-8's byte order mark: Excel then reads the CSV's accents right


def format_of(path: str | Path, fmt: str | None) -> str | None:
    """The rows' format: `fmt`, else the file's extension (.ndjson is JSON Lines)."""
    if fmt:
        return fmt
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "ndjson":
        return "jsonl"
    if suffix in ("parq", "pq"):
        return "parquet"
    return suffix if suffix in FORMATS else None


def encoder(fmt: str, delimiter: str = ",", raw: bool = False) -> Callable[[pa.RecordBatch], bytes] | None:
    """The function turning a batch into the bytes of a `fmt` file (None: not bytes-wise); CSV
    text cells neutralised against formulas unless `raw` (kamrules.io.cells)."""
    if fmt == "csv":
        return _CsvEncoder(delimiter, raw)
    if fmt == "jsonl":
        return encode_jsonl
    return None


class _CsvEncoder:
    """Picklable: sent to worker processes with the batches."""

    def __init__(self, delimiter: str, raw: bool = False) -> None:
        self.delimiter = delimiter
        self.raw = raw

    def __call__(self, batch: pa.RecordBatch) -> bytes:
        return encode_csv(batch, self.delimiter, self.raw)


class BatchWriter:
    """Writes output batches (or their encoded bytes) to an open binary stream."""

    def __init__(self, handle: IO[bytes], fmt: str, schema: pa.Schema, delimiter: str = ",", raw: bool = False) -> None:
        self.handle = handle
        self.fmt = fmt
        self.schema = schema
        self.encode = encoder(fmt, delimiter, raw)
        if fmt == "csv":
            handle.write(csv_header(schema.names, delimiter, raw))

    def write(self, batch: pa.RecordBatch | None, encoded: bytes | None = None) -> None:
        if encoded is None:
            assert batch is not None and self.encode is not None
            encoded = self.encode(batch)
        self.handle.write(encoded)


class _ParquetWriter:
    fmt = "parquet"
    encode = None

    def __init__(self, handle: IO[bytes], schema: pa.Schema) -> None:
        import pyarrow.parquet as pq

        self.writer = pq.ParquetWriter(handle, schema, compression="zstd")

    def write(self, batch: pa.RecordBatch | None, encoded: bytes | None = None) -> None:
        assert batch is not None
        self.writer.write_batch(batch)

    def close(self) -> None:
        self.writer.close()


class _XlsxWriter:
    """Today's XLSX writer, fed row by row with today's cells (dates as ISO text)."""

    fmt = "xlsx"
    encode = None

    def __init__(self, sink: Any) -> None:
        self.sink = sink

    def write(self, batch: pa.RecordBatch | None, encoded: bytes | None = None) -> None:
        assert batch is not None
        columns = [c.cast(pa.string()) if pa.types.is_date(c.type) else c for c in batch.columns]
        names = batch.schema.names
        for values in zip(*(c.to_pylist() for c in columns), strict=True):
            self.sink.write(dict(zip(names, values, strict=True)))


@contextlib.contextmanager
def batch_writer(
    path: str | Path,
    fmt: str,
    schema: pa.Schema,
    *,
    delimiter: str = ",",
    sheet: str | SheetSpec = "accounts",
    raw_cells: bool = False,
) -> Iterator[BatchWriter | _ParquetWriter | _XlsxWriter]:
    """A writer of output batches to `path`; the file appears, complete, when the block ends.
    An XLSX workbook is today's (`sheet`: its columns and headers), from the rows' values."""
    from kamrules.io.atomic import atomic_writer

    if fmt == "xlsx":
        from kamrules.io.outputs import row_writer

        with row_writer(path, "xlsx", schema.names, sheet=sheet, raw_cells=raw_cells) as sink:
            yield _XlsxWriter(sink)
        return
    with atomic_writer(path, "wb", encoding=None) as handle:
        binary: IO[bytes] = handle  # type: ignore[assignment]
        if fmt == "parquet":
            writer = _ParquetWriter(binary, schema)
            yield writer
            writer.close()
            return
        if fmt == "csv":
            binary.write(BOM)
        yield BatchWriter(binary, fmt, schema, delimiter, raw_cells)


def stream_writer(
    handle: IO[str], fmt: str, schema: pa.Schema, *, delimiter: str = ",", raw_cells: bool = False
) -> BatchWriter:
    """A CSV or JSON Lines writer to an open text stream (standard output), without the BOM."""
    binary: Any = getattr(handle, "buffer", None)
    if binary is None:
        binary = _TextBytes(handle)
    handle.flush()
    return BatchWriter(binary, fmt, schema, delimiter, raw_cells)


class _TextBytes:
    """A text stream taking bytes (UTF-8), for streams without a binary buffer (tests)."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle

    def write(self, data: bytes) -> int:
        return self.handle.write(data.decode("utf-8"))


__all__ = ["FORMATS", "BatchWriter", "batch_writer", "encoder", "format_of", "stream_writer"]
