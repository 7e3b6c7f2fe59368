"""The per-row run's portfolio file, Parquet included.

`kamrules.io.portfolio_file.open_source` reads CSV, XLSX, JSON Lines, YAML and JSON row by row.
A Parquet file is read by the batch engine's reader (kamrules.batch.readers.parquet: its
columns, struct groups and cells as `kam portfolio` reads them there), one raw row at a time, so
that the options only the per-row run serves (`--scores portfolio`, `--record`, `--compare`,
the service's recording) take a Parquet portfolio too, and read it exactly as the columnar run
does. Reading Parquet needs pyarrow (the `batch` extra); without it the file is refused with
that reason, never read as text.
"""

from __future__ import annotations

import contextlib
import importlib.util
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kamrules import codes
from kamrules.errors import InputFileError, Location, Problem
from kamrules.io.files import STDIN, display_name
from kamrules.io.portfolio_file import open_source
from kamrules.io.rows import RawRow

if TYPE_CHECKING:
    from kamrules.batch.readers import BatchSource

PARQUET = "parquet"
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
PARQUET_MAGIC = b"PAR1"
PARQUET_BATCH = 4096  # rows read from the file at a time: the memory of one batch, not the file's


class RowSource(Protocol):
    """What the per-row run reads: rows (a new pass each call), and how to name the file."""

    @property
    def path(self) -> Path: ...
    @property
    def name(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def delimiter(self) -> str | None: ...

    def rows(self) -> Iterator[RawRow]: ...
    def describe(self, lang: str = "en") -> str: ...


class ParquetRows:
    """A Parquet portfolio as raw rows, each as the columnar run's reader gives it."""

    format = PARQUET
    delimiter = None

    def __init__(self, source: BatchSource) -> None:
        self._source = source

    @property
    def path(self) -> Path:
        return self._source.path

    @property
    def name(self) -> str:
        return self._source.name

    def rows(self) -> Iterator[RawRow]:
        for batch in self._source.batches():
            for k in range(batch.table.num_rows):
                yield batch.raw_row(k)

    def describe(self, lang: str = "en") -> str:
        return self._source.describe(lang)


def is_parquet_file(path: str | Path, fmt: str | None) -> bool:
    """Whether the portfolio is a Parquet file: named so by `fmt`, else by its suffix or its
    first bytes (standard input only when `fmt` says so: it is read once)."""
    if fmt is not None:
        return fmt == PARQUET
    if str(path) == STDIN:
        return False
    real = Path(path)
    if real.suffix.lower() in PARQUET_SUFFIXES:
        return True
    try:
        if not stat.S_ISREG(real.stat().st_mode):
            return False  # a pipe (`<(export)`) is read once: peeking would lose its first bytes
        with real.open("rb") as handle:
            return handle.read(len(PARQUET_MAGIC)) == PARQUET_MAGIC
    except OSError:
        return False  # open_source says what is wrong with it, as for any file


@contextlib.contextmanager
def open_rows(
    path: str | Path, fmt: str | None = None, encoding: str | None = None, delimiter: str | None = None
) -> Iterator[RowSource]:
    """The portfolio at `path` as rows, whatever its format (`-`: standard input)."""
    if not is_parquet_file(path, fmt):
        with open_source(path, fmt, encoding, delimiter) as source:
            yield source
        return
    if importlib.util.find_spec("pyarrow") is None:
        raise InputFileError(
            "",
            [
                Problem(
                    codes.MISSING_EXTRA,
                    "is a Parquet file, which needs pyarrow to be read: pip install 'kamrules[batch]'",
                    Location(display_name(path)),
                )
            ],
        )
    from kamrules.batch.readers import open_batches

    with open_batches(path, PARQUET, size=PARQUET_BATCH) as batches:
        yield ParquetRows(batches)
