"""One input row of a portfolio, whatever the file it came from, and the readers' common parts.

A row keeps the number a person finds it by (the spreadsheet row, counting the header as row
1, as Excel and LibreOffice show it; the line of a JSON Lines file; the position of an account in a
YAML or JSON list), its cells or its data, and the problems found while reading it. A row that
cannot be read carries its problems instead of data, so that one bad row never hides the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules import codes
from kamrules.errors import KamError, Location, Problem
from kamrules.io.yamlsafe import parse_document

# Bytes that are not valid in the file's encoding are decoded as lone surrogates
# (errors="surrogateescape"): they can never occur in well-formed text, so finding one names
# the cell with the bad bytes, and the rest of the file is read normally.
_ESCAPED = re.compile("[\udc80-\udcff]+")


@dataclass
class RawRow:
    index: int  # 0-based position among the file's rows of data
    row: int  # what a person finds it by: spreadsheet row, JSON Lines line, account number
    line: int | None = None  # line in the file, when there is one
    cells: dict[str, Any] | None = None  # tabular input: column -> value (None when empty)
    data: Any = None  # structured input (JSON Lines, YAML, JSON): the account's mapping
    problems: list[Problem] = field(default_factory=list)


class UnreadableRow(list[Any]):
    """A CSV record the reader could not parse, standing in for its cells."""

    def __init__(self, reason: str, fmt: str = "CSV") -> None:
        super().__init__()
        self.reason = reason
        self.fmt = fmt  # CSV, or XLSX for a cell over the length limit

    def explain(self) -> str:
        match = re.search(r"field larger than field limit \((\d+)\)", self.reason)
        if match:
            return f"a cell is longer than {int(match.group(1)):,} characters, the CSV reader's limit"
        return self.reason


def bad_bytes(text: str, encoding: str) -> str | None:
    """A description of the undecodable bytes in `text`, or None when there are none."""
    match = _ESCAPED.search(text)
    if match is None:
        return None
    raw = match.group(0).encode("utf-8", errors="surrogateescape")
    shown = " ".join(f"0x{b:02x}" for b in raw[:4])
    return f"holds bytes that are not valid {encoding} ({shown}); save the file as UTF-8"


def cell_value(value: Any) -> Any:
    """A spreadsheet cell as a fact: empty is absent; `[a, b]` and `{...}` are structured values."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    if text[0] in "[{":
        try:
            return parse_document(text, "<cell>", max_depth=20, max_nodes=10000).data
        except KamError:
            return text
    return text


def check_header(columns: list[str], name: str, line: int | None) -> None:
    """A header naming a column twice makes every row ambiguous: refuse the file."""
    from kamrules.errors import InputFileError

    seen: set[str] = set()
    for col in columns:
        if col and col in seen:
            raise InputFileError(
                "",
                [Problem(codes.BAD_TABLE, f"the header names column {col!r} twice", Location(name, line, None, col))],
            )
        seen.add(col)


def _filled(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def tabular_rows(
    rows: Iterator[tuple[int, int | None, list[Any]]],
    columns: list[str],
    name: str,
    encoding: str | None,
    delimiter: str | None = None,
) -> Iterator[RawRow]:
    """Turn (row number, line, cells) into `RawRow`s: blank rows skipped, extra cells and bad
    bytes reported in place.

    A row with a value beyond the header's last named column, or under a column the header
    leaves unnamed, is an error row (in a CSV file, a delimiter inside an unquoted cell shifts
    every cell after it): its cells under named columns are kept all the same, so that the
    error row says whose row it is. `delimiter` is given for CSV, to say so."""
    index = 0
    named = [k for k, col in enumerate(columns) if col]
    width = named[-1] + 1 if named else 0  # the header's blank cells at the end do not count
    for number, line, cells in rows:
        if isinstance(cells, UnreadableRow):
            raw = RawRow(index, number, line)
            index += 1
            raw.problems.append(
                Problem(codes.BAD_TABLE, f"cannot be read as {cells.fmt}: {cells.explain()}", Location(name, line))
            )
            yield raw
            continue
        filled = [k for k, c in enumerate(cells) if _filled(c)]
        if not filled:
            continue
        raw = RawRow(index, number, line)
        index += 1
        message = _extra_cells(number, filled, columns, width, delimiter)
        if message is not None:
            raw.problems.append(Problem(codes.EXTRA_CELLS, message, Location(name, line)))
        values: dict[str, Any] = {}
        for col, cell in zip(columns, cells, strict=False):
            if not col:
                continue
            if encoding is not None and isinstance(cell, str):
                problem = bad_bytes(cell, encoding)
                if problem is not None:
                    raw.problems.append(Problem(codes.BAD_ENCODING, problem, Location(name, line, None, col)))
                    continue
            values[col] = cell_value(cell)
        raw.cells = values
        yield raw


def _extra_cells(number: int, filled: list[int], columns: list[str], width: int, delimiter: str | None) -> str | None:
    """What is wrong with a row holding values in `filled` (cell positions): one beyond the
    header's `width`, or under a column the header leaves unnamed (None when neither)."""
    used = filled[-1] + 1
    if used > width:
        hint = f" (a {_shown(delimiter)} inside a cell that is not in quotes?)" if delimiter else ""
        return f"row {number} has {used} cells, the header {width}{hint}"
    unnamed = [k for k in filled if not columns[k]]
    if unnamed:
        return f"row {number} has a value in column {unnamed[0] + 1}, which the header leaves without a name"
    return None


def _shown(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else repr(delimiter)


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """`{"business.revenue": "12"}` -> `{"business": {"revenue": "12"}}`; absent cells dropped."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        if value is None:
            continue
        parts = key.split(".")
        target = out
        for part in parts[:-1]:
            nxt = target.setdefault(part, {})
            if not isinstance(nxt, dict):
                nxt = {}
                target[part] = nxt
            target = nxt
        target[parts[-1]] = value
    return out


def json_line(line: str, name: str, lineno: int) -> tuple[Any, Problem | None]:
    """One line of a JSON Lines file: its value, or the problem (IO008) that makes it no account.
    NaN and Infinity are refused, and an object nested too deeply is a problem, not a crash."""
    try:
        return json.loads(line, parse_constant=_no_constant), None
    except RecursionError:
        why = "nested too deeply"
    except ValueError as exc:
        why = str(exc)
    return None, Problem(codes.BAD_JSON_LINE, f"not valid JSON: {why}", Location(name, lineno))


def _no_constant(value: str) -> Any:
    raise ValueError(f"{value} is not a number kamrules accepts")
