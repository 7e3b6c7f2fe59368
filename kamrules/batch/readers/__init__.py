"""Portfolio files read into Arrow record batches (issue 16): CSV column-wise by pyarrow,
Parquet as it is, JSON Lines, XLSX and YAML through today's row readers, batched.

`open_batches(path, fmt=..., encoding=..., delimiter=...)` takes the options `kam portfolio`
takes and decides what today's `kamrules.io.portfolio_file.open_source` decides (the format, the
encoding, the delimiter, standard input spooled to a temporary file); its `batches()` reads
the file from the start each time it is called (the portfolio reads it twice).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kamrules.batch.readers.batch import InputBatch
from kamrules.batch.readers.csvscan import Layout

BATCH_ROWS = 4096  # rows a batch: the fixed cost per table (about 20 ms) against the memory of a batch


@dataclass(frozen=True)
class BatchSource:
    """A portfolio file, ready to be read in batches (as often as needed)."""

    path: Path
    name: str
    format: str  # csv, jsonl, xlsx, yaml, parquet
    encoding: str | None = None
    delimiter: str | None = None
    size: int = BATCH_ROWS
    layout: Layout | None = None  # CSV: the header, and whether pyarrow reads the data

    @property
    def columnar(self) -> bool:
        """Whether the rows are read column-wise (pyarrow) rather than by today's row reader."""
        return self.format == "parquet" or (self.layout is not None and self.layout.columnar)

    def batches(self) -> Iterator[InputBatch]:
        """Every data row, in file order, in batches of at most about `size` rows."""
        if self.format == "parquet":
            from kamrules.batch.readers.parquet import parquet_batches

            return parquet_batches(self.path, self.name, self.size)
        if self.format == "csv" and self.layout is not None and self.layout.columnar:
            from kamrules.batch.readers.csvfast import csv_batches

            return csv_batches(self.path, self.name, self.encoding or "utf-8", self.layout, self.size)
        from kamrules.batch.readers.rowbatches import row_batches
        from kamrules.io.portfolio_file import Source

        source = Source(self.path, self.name, self.format, self.encoding, self.delimiter)
        return row_batches(source.rows(), self.size)

    def describe(self, lang: str = "en") -> str:
        """What was detected, for the summary, as today's sources say it."""
        if self.format == "parquet":
            return "PARQUET"
        from kamrules.io.portfolio_file import Source

        return Source(self.path, self.name, self.format, self.encoding, self.delimiter).describe(lang)


@contextlib.contextmanager
def open_batches(
    path: str | Path,
    fmt: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    *,
    size: int = BATCH_ROWS,
) -> Iterator[BatchSource]:
    """The batch source for `path` (`-`: standard input), with today's options and checks;
    `fmt` is csv, xlsx, jsonl, yaml, json or parquet (default: from the name and the content)."""
    from kamrules.batch.readers.parquet import is_parquet
    from kamrules.io.files import STDIN, display_name
    from kamrules.io.portfolio_file import open_source, read_check

    name = display_name(path)
    if fmt == "parquet" or (fmt is None and str(path) != STDIN and Path(path).is_file() and is_parquet(Path(path))):
        with _spooled(path) as real:
            if str(path) != STDIN:
                read_check(real, name)
            yield BatchSource(real, name, "parquet", size=size)
        return
    with open_source(path, fmt, encoding, delimiter) as source:
        layout = None
        if source.format == "csv":
            from kamrules.batch.readers.csvfast import read_layout

            layout = read_layout(source.path, name, source.encoding or "utf-8", source.delimiter or ",")
        yield BatchSource(source.path, name, source.format, source.encoding, source.delimiter, size, layout)


@contextlib.contextmanager
def _spooled(path: str | Path) -> Iterator[Path]:
    """`path`, or standard input copied to a temporary file (a Parquet file is read by seeking)."""
    from kamrules.io.files import STDIN

    if str(path) != STDIN:
        yield Path(path)
        return
    fd, spooled = tempfile.mkstemp(prefix="kam-portfolio-", suffix=".parquet")
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out)
        yield Path(spooled)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(spooled)


__all__ = ["BATCH_ROWS", "BatchSource", "InputBatch", "open_batches"]
