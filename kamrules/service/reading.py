"""The accounts of a request as the command line reads a file: a JSON or YAML body (one account,
a list, several documents), a CSV or JSON Lines batch streamed row by row, each row located as
`kam advise` locates it; the body's text decoded and its format told as the command line does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamrules import codes
from kamrules.errors import Problem
from kamrules.model.validate import validate_account


@dataclass
class Row:
    """One account of a request: its row (1-based, as the command line counts), its line in
    the body, and its facts or its problems."""

    row: int
    line: int | None
    label: str
    data: Any = None
    locate: Callable[[tuple[str | int, ...]], Any] | None = None
    problems: tuple[Problem, ...] = ()


def is_single(rows: Sequence[Row], name: str) -> bool:
    """Whether the rows are one account given alone (a mapping, not a list of one)."""
    return len(rows) == 1 and rows[0].label == name


def structured_rows(text: str, name: str) -> list[Row]:
    """The accounts of a YAML or JSON text (one, a list, or several documents), as `kam advise`
    reads a file."""
    from kamrules.io.accounts import yaml_records

    rows = []
    for record in yaml_records(text, name):
        line = record.location(()).line if record.location is not None else None
        problems = record.error.problems if record.error is not None else ()
        if record.error is not None and not problems:
            problems = (Problem(codes.EMPTY, record.error.message),)
        rows.append(Row(record.index + 1, line, record.label, record.data, record.location, problems))
    return rows


def plain_json(text: str) -> list[Any] | dict[str, Any] | None:
    """The accounts of a text that is plain JSON (an object or a list of objects), read by the
    fast JSON reader; None when it is anything else or anything about it is odd (duplicate
    keys, NaN, deep nesting...): the located reader then reads it, as the command line does,
    so that every problem is reported exactly as `kam advise` reports it."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(items)
        if len(found) != len(items):
            raise ValueError("duplicate key")
        return found

    def no_constant(name: str) -> Any:
        raise ValueError(name)

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=no_constant)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, dict):
        return data
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        return data
    return None


def tabular_rows(path: Path, name: str, fmt: str) -> Iterator[Row]:
    """The accounts of a CSV or JSON Lines file, streamed, located as `kam advise` locates them."""
    from kamrules.io.portfolio_file import Source
    from kamrules.io.rows import nest
    from kamrules.io.textfile import csv_dialect, detect_encoding

    encoding = detect_encoding(path)
    delimiter = csv_dialect(path, encoding, name) if fmt == "csv" else None
    source = Source(path, name, fmt, encoding, delimiter)
    for raw in source.rows():
        line = raw.line or raw.row
        label = f"{name} row {raw.row}" if fmt == "csv" else f"{name} line {raw.row}"
        data = nest(raw.cells or {}) if fmt == "csv" else raw.data
        yield Row(raw.row, line, label, data, _line_locator(name, line, fmt), tuple(raw.problems))


def _line_locator(name: str, line: int, fmt: str) -> Callable[[tuple[str | int, ...]], Any]:
    from kamrules.errors import Location

    def locate(path: tuple[str | int, ...]) -> Location:
        keys = [str(p) for p in path if fmt != "csv" or isinstance(p, str)]
        return Location(name, line, None, ".".join(keys) or None)

    return locate


def check_account(row: Row) -> Any:
    """The row's facts checked against the contract (raises `FactsError`, located)."""
    return validate_account(row.data, source=row.label, location=row.locate)


def decode_bytes(data: bytes, name: str) -> str:
    """A body's text, decoded as `kam advise` decodes a file (raises InputFileError, located)."""
    from kamrules.io.files import decode_text

    return decode_text(data, name)


def decode_file(path: Path, name: str) -> str:
    """A file's text, decoded as `kam advise` decodes it (raises InputFileError, located)."""
    from kamrules.io.files import decode_text, read_bytes

    return decode_text(read_bytes(path), name)


def detect_format(path: Path, name: str) -> str:
    """A body's format from its content, as `kam portfolio -` tells it (xlsx, jsonl, csv, yaml)."""
    from kamrules.io.portfolio_file import guess_format

    kind = guess_format(path, name)
    return "yaml" if kind == "json" else kind


def count_rows(path: Path, fmt: str) -> int:
    """How many accounts a CSV or JSON Lines file holds (for the batch limit, before any is
    advised): records after the header, or lines that are not blank."""
    import csv

    from kamrules.io.textfile import csv_dialect, detect_encoding, open_text

    encoding = detect_encoding(path)
    with open_text(path, encoding) as handle:
        if fmt == "jsonl":
            return sum(1 for line in handle if line.strip())
        delimiter = csv_dialect(path, encoding)
        records = sum(1 for cells in csv.reader(handle, delimiter=delimiter) if any(c.strip() for c in cells))
    return max(records - 1, 0)
