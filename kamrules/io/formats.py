"""The formats of the data files kamrules reads and writes: the one registry of them.

A format is named by the suffixes of its files (the first is the usual one). Accounts
(`kam advise`) come in YAML, JSON, JSON Lines and CSV; a portfolio (`kam portfolio`) also in
XLSX; a portfolio's rows go out as CSV, XLSX or JSON Lines. A file named otherwise is told by
its content (`accounts.detect_format`, `sources.open_source`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final


@dataclass(frozen=True, kw_only=True, slots=True)
class FileFormat:
    """A data format: its name, the suffixes it is read from, and those it is written to."""

    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...] = ()


YAML = "yaml"
JSON = "json"
JSONL = "jsonl"
CSV = "csv"
XLSX = "xlsx"

FORMATS: Final[dict[str, FileFormat]] = {
    f.name: f
    for f in (
        FileFormat(name=YAML, reads=(".yaml", ".yml")),
        FileFormat(name=JSON, reads=(".json",)),
        FileFormat(name=JSONL, reads=(".jsonl", ".ndjson"), writes=(".jsonl", ".ndjson")),
        FileFormat(name=CSV, reads=(".csv", ".tsv", ".txt"), writes=(".csv",)),
        FileFormat(name=XLSX, reads=(".xlsx", ".xlsm"), writes=(".xlsx",)),
    )
}
ACCOUNT_FORMATS: Final[tuple[str, ...]] = (YAML, JSON, JSONL, CSV)  # what kam advise reads
PORTFOLIO_FORMATS: Final[tuple[str, ...]] = (CSV, XLSX, JSONL, YAML, JSON)  # what kam portfolio reads
ROW_FORMATS: Final[tuple[str, ...]] = (CSV, XLSX, JSONL)  # what a portfolio's rows are written as
OLD_WORKBOOK = ".xls"  # refused: a binary format of its own, long replaced by XLSX


def read_as(path: str | Path, among: tuple[str, ...]) -> str | None:
    """The format of the file `path` by its suffix, among the formats `among` (None if none)."""
    suffix = Path(path).suffix.lower()
    return next((name for name in among if suffix in FORMATS[name].reads), None)


def written_as(path: str | Path) -> str | None:
    """The format rows are written in to the file `path`, by its suffix (None if none)."""
    suffix = Path(path).suffix.lower()
    return next((name for name in ROW_FORMATS if suffix in FORMATS[name].writes), None)
